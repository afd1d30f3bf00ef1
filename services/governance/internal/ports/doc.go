// Package ports is the governance gRPC API: the GovernanceService handlers, the one interceptor
// that turns request metadata into a domain.Principal, and the mapping of domain errors to gRPC
// status codes with error details.
package ports
