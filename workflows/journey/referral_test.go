package journey

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func TestStartRefusesABadReferral(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	r := referral("msk")
	r.NHSNumber = "9990000017"
	h.run(Input{Referral: r})
	err := h.env.GetWorkflowError()
	require.ErrorContains(t, err, "nhsNumber")
	require.ErrorContains(t, err, nhsnumber.ErrCheckDigit.Error())
	require.NotContains(t, err.Error(), "9990000017")
	require.Empty(t, h.journal.types(), "nothing recorded")
}
