// Package ports is the governance gRPC API: the GovernanceService handlers, the identity
// interceptor (platform/identity) that puts the caller's domain.Principal in the context, and the
// mapping of domain errors to gRPC status codes (platform/rpcerr).
package ports
