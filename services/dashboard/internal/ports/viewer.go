package ports

import (
	"context"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// PatientLevelRoles are the roles with patient-level access: people holding one see exact
// counts. Everyone else who may read the figures (board, finance-admin, finance-reader), and any
// caller without a verified identity (an -insecure server), sees them under the disclosure rule.
var PatientLevelRoles = []string{access.Coordinator, access.Auditor}

// ViewerOf is the viewer a principal is.
func ViewerOf(p identity.Principal) app.Viewer {
	for _, r := range PatientLevelRoles {
		if p.Has(r) {
			return app.Viewer{PatientLevel: true}
		}
	}
	return app.Viewer{}
}

// viewer is the caller of ctx as a viewer (no caller: no patient-level access).
func viewer(ctx context.Context) app.Viewer {
	p, _ := identity.FromContext(ctx)
	return ViewerOf(p)
}
