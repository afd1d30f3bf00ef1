package grpcapi

import (
	"context"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
)

// ServerVersion is the EventStoreDB version whose protocol this server
// speaks; the client parses it as major.minor.patch.
const ServerVersion = "24.10.0"

// Features implements the ServerFeatures service the client calls on
// connect to learn the server version and the methods it may use.
type Features struct {
	serverfeatures.UnimplementedServerFeaturesServer
}

const (
	streamsService    = "event_store.client.streams.streams"
	operationsService = "event_store.client.operations.operations"
)

// GetSupportedMethods lists the methods this server implements (the
// scavenge methods of Operations included). BatchAppend and persistent
// subscriptions are not listed, so the client does not use them.
func (Features) GetSupportedMethods(context.Context, *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: ServerVersion,
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: streamsService, MethodName: "read", Features: []string{"position", "events"}},
			{ServiceName: streamsService, MethodName: "append"},
			{ServiceName: streamsService, MethodName: "delete"},
			{ServiceName: streamsService, MethodName: "tombstone"},
			{ServiceName: "event_store.client.server_features.serverfeatures", MethodName: "getsupportedmethods"},
			{ServiceName: operationsService, MethodName: "startscavenge"},
			{ServiceName: operationsService, MethodName: "stopscavenge"},
		},
	}, nil
}
