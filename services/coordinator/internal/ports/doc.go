// Package ports serves the coordinator application over gRPC (CoordinatorService, and
// AccessAuditService for auditors) and REST/JSON (grpc-gateway, with the OpenAPI document at
// /openapi.json). It is the only place domain errors become status codes, and where every call
// of CoordinatorService is recorded in the access audit trail.
package ports
