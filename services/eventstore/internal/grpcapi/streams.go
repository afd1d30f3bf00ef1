// Package grpcapi is the event store's gRPC port: the EventStoreDB
// Streams and ServerFeatures services, as the official clients call them.
// It validates requests (InvalidArgument with field violations), maps the
// store's errors to the real server's status codes and exception trailers,
// and converts events to the wire format.
package grpcapi

import (
	"time"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// Observer receives request-level measurements. Implementations must be
// safe for concurrent use.
type Observer interface {
	ObserveAppend(time.Duration)
	ObserveRead(time.Duration)
	SubscriptionStarted()
	SubscriptionEnded()
}

type noObserver struct{}

func (noObserver) ObserveAppend(time.Duration) {}
func (noObserver) ObserveRead(time.Duration)   {}
func (noObserver) SubscriptionStarted()        {}
func (noObserver) SubscriptionEnded()          {}

// Streams implements the Streams service on a store. It is safe for
// concurrent use.
type Streams struct {
	api.UnimplementedStreamsServer
	store  *store.Store
	obs    Observer
	access Access
}

// NewStreams returns the Streams service; obs may be nil. With access Checked every call is
// authorised (the Authenticator interceptors must run first); with Open, none is.
func NewStreams(st *store.Store, obs Observer, access Access) *Streams {
	if obs == nil {
		obs = noObserver{}
	}
	return &Streams{store: st, obs: obs, access: access}
}
