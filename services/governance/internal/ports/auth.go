package ports

import (
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Identity establishes the caller of every call (platform/identity: actor, roles, Expert
// Oversight Groups): a call without one fails with Unauthenticated before reaching a handler;
// health checks and reflection pass. Real authentication replaces its inside, not this service.
var Identity = identity.Interceptor{}
