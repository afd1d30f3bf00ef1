package ports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

func TestOnlyCoordinatorsAndAuditorsHavePatientLevelAccess(t *testing.T) {
	for _, c := range []struct {
		who   identity.Principal
		exact bool
	}{
		{identity.Principal{Actor: "c", Roles: []string{access.Coordinator}}, true},
		{identity.Principal{Actor: "a", Roles: []string{access.Auditor}}, true},
		{identity.Principal{Actor: "b+c", Roles: []string{access.Board, access.Coordinator}}, true},
		{identity.Principal{Actor: "b", Roles: []string{access.Board}}, false},
		{identity.Principal{Actor: "f", Roles: []string{access.FinanceAdmin, access.FinanceReader}}, false},
		{identity.Principal{Service: access.PrometheusService}, false},
		{identity.Principal{}, false},
	} {
		require.Equal(t, c.exact, ports.ViewerOf(c.who).PatientLevel, "%+v", c.who)
	}
}
