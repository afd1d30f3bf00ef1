// Package api holds the protobuf contracts through which the pathways services meet, with the Go
// generated from them committed beside each .proto file under proto/pathways/<area>/v1.
//
// Nothing imports this root package. Its blank imports pin the runtime modules that generated code
// needs at the versions chosen in go.mod, so that `go mod tidy` keeps them even before a contract
// that uses each of them exists. The versions match go.temporal.io/server v1.32.0 and the
// EventStore client so that the workspace never has to move them down. See README.md for how to
// add a contract and regenerate.
package api

import (
	// Runtime of the REST/JSON gateways (*.pb.gw.go) generated for services with a gateway config.
	_ "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	// Runtime of the gRPC client and server stubs (*_grpc.pb.go).
	_ "google.golang.org/grpc"
	// Runtime of the protobuf messages (*.pb.go).
	_ "google.golang.org/protobuf/proto"
)
