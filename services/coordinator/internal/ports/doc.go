// Package ports serves the coordinator application over gRPC (CoordinatorService) and REST/JSON
// (grpc-gateway, with the OpenAPI document at /openapi.json). It is the only place domain errors
// become status codes.
package ports
