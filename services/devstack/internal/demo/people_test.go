package demo_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/devoidc"
)

// TestEveryoneTheLoaderCallsAsIsADemoPerson: on the secure devstack the loader calls as demo
// people of the provider, so each patient's PCN needs a coordinator of that PCN, and the
// contracts need a finance administrator.
func TestEveryoneTheLoaderCallsAsIsADemoPerson(t *testing.T) {
	p, err := devoidc.New(devoidc.Options{Issuer: "https://127.0.0.1:9096"})
	require.NoError(t, err)
	people := p.People()
	find := func(username string) devoidc.Person {
		t.Helper()
		i := slices.IndexFunc(people, func(p devoidc.Person) bool { return p.Username == username })
		require.GreaterOrEqual(t, i, 0, "%s is not a demo person of the provider", username)
		return people[i]
	}
	for _, patient := range demo.Population() {
		coordinator := find(demo.Person("coordinator", patient.PCN))
		require.Contains(t, coordinator.Roles, "coordinator", coordinator.Username)
		require.Contains(t, coordinator.ODS, patient.PCN, "%s coordinates %s's PCN", coordinator.Username, patient.ReferralID)
	}
	require.Contains(t, find(demo.Person("finance-admin", "")).Roles, "finance-admin")
}
