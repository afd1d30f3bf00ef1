// Package operationspb is the generated Go of operations.proto: the scavenge methods of the
// EventStoreDB / KurrentDB Operations gRPC service (event_store.client.operations), which the
// official Go clients do not wrap but the servers' admin tools call.
package operationspb

//go:generate ../../../../bin/buf generate --template buf.gen.yaml .
