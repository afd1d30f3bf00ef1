// Package api holds the protobuf contracts through which the pathways services meet, with the Go
// generated from them committed beside each .proto file under proto/pathways/<area>/v1.
//
// Nothing imports this root package. Its blank imports pin the runtime modules that generated code
// needs (protobuf messages, gRPC stubs and grpc-gateway handlers) at the versions chosen in go.mod,
// so that `go mod tidy` keeps them even before a contract that uses each of them exists. The
// versions match go.temporal.io/server v1.32.0 and the EventStore client so that the workspace
// never has to move them down. See README.md for how to add a contract and regenerate.
package api

import (
	_ "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	_ "google.golang.org/grpc"
	_ "google.golang.org/protobuf/proto"
)
