package pathway

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckID(t *testing.T) {
	const rule = "must be a lower-case slug (a-z, 0-9, single hyphens, starting with a letter, at most 64 characters)"
	tests := []struct {
		id, err string
	}{
		{"msk", ""},
		{"copd", ""},
		{"msk-spinal", ""},
		{"msk-2026", ""},
		{"a" + strings.Repeat("b", 63), ""},
		{"", "is required"},
		{"MSK", rule + `, got "MSK"`},
		{"1msk", rule + `, got "1msk"`},
		{"msk--spinal", rule + `, got "msk--spinal"`},
		{"msk-", rule + `, got "msk-"`},
		{"-msk", rule + `, got "-msk"`},
		{"msk spinal", rule + `, got "msk spinal"`},
		{"msk_spinal", rule + `, got "msk_spinal"`},
		{"a" + strings.Repeat("b", 64), rule + ", got 65 characters"},
		{strings.Repeat("x", 1<<20), rule + ", got 1048576 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.id[:min(len(tt.id), 20)], func(t *testing.T) {
			err := CheckID(tt.id)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.err)
		})
	}
	require.ErrorIs(t, CheckID(""), ErrIDRequired)
}

// TestDocumentIDsFollowThePathwayIDRule: a document whose id CheckID refuses does not
// validate, with CheckID's message, and one CheckID accepts does.
func TestDocumentIDsFollowThePathwayIDRule(t *testing.T) {
	for _, id := range []string{"msk-spinal", "MSK", "msk--x", "a" + strings.Repeat("b", 64)} {
		d := minimal(t)
		d.ID = id
		err := CheckID(id)
		if err == nil {
			require.NoError(t, d.Validate(), id)
			continue
		}
		require.Equal(t, []Problem{{"id", err.Error()}}, problemsOf(t, d.Validate()), id)
	}
}

func TestCheckFinite(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		want error
	}{
		{"zero", 0, nil},
		{"negative", -7.5, nil},
		{"largest float", math.MaxFloat64, nil},
		{"smallest positive", math.SmallestNonzeroFloat64, nil},
		{"NaN", math.NaN(), ErrNaN},
		{"+Inf", math.Inf(1), ErrPlusInfinity},
		{"-Inf", math.Inf(-1), ErrMinusInfinity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, CheckFinite(tt.x), tt.want)
			if tt.want == nil {
				require.NoError(t, CheckFinite(tt.x))
			}
		})
	}
}
