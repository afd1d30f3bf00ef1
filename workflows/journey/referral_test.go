package journey

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidNHSNumber(t *testing.T) {
	tests := []struct {
		number, err string
	}{
		{"9990000018", ""},
		{"9434765919", ""},
		{"9990000017", "check digit does not match"},
		{"999000001", "must be 10 digits, got 9"},
		{"99900000a8", "must be 10 digits"},
		{"9990000000", "check digit does not match"}, // 999000000 gives check digit 10: never valid
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			err := ValidNHSNumber(tt.number)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.err)
			require.NotContains(t, err.Error(), tt.number, "the number never appears in errors")
		})
	}
}

func TestStartRefusesABadReferral(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	r := referral("msk")
	r.NHSNumber = "9990000017"
	h.run(Input{Referral: r})
	err := h.env.GetWorkflowError()
	require.ErrorContains(t, err, "nhsNumber")
	require.NotContains(t, err.Error(), "9990000017")
	require.Empty(t, h.journal.types(), "nothing recorded")
}
