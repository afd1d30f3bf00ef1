package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateNHSNumber(t *testing.T) {
	tests := []struct {
		name   string
		number string
		want   error
	}{
		{"valid test-range number", "9434765919", nil},
		{"valid test-range number 2", "9999999999", nil},
		{"valid with check digit 0 (11 becomes 0)", "9990000050", nil},
		{"valid test-range number 3", "9990000018", nil},
		{"wrong check digit", "9434765918", ErrNHSNumberCheckDigit},
		{"check digit would be 10", "9990000001", ErrNHSNumberRemainder},
		{"letters", "94347659A9", ErrNHSNumberDigits},
		{"spaces inside", "943 476 59", ErrNHSNumberDigits},
		{"too short", "943476591", ErrNHSNumberLength},
		{"too long", "94347659190", ErrNHSNumberLength},
		{"empty", "", ErrNHSNumberLength},
		{"negative sign", "-434765919", ErrNHSNumberDigits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNHSNumber(tt.number)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			if tt.number != "" {
				require.NotContains(t, err.Error(), tt.number[:min(len(tt.number), 6)], "the error never echoes the number")
			}
		})
	}
}

func TestODSCodes(t *testing.T) {
	tests := []struct {
		code            string
		practice, pcnOK bool
	}{
		{"A81001", true, false},
		{"U12345", true, true},
		{"a81001", false, false},
		{"A8100", false, false},
		{"A810011", false, false},
		{"81001A", false, false},
		{"U1234X", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			require.Equal(t, tt.practice, ValidatePracticeCode(tt.code) == nil, "practice")
			require.Equal(t, tt.pcnOK, ValidatePCNCode(tt.code) == nil, "pcn")
		})
	}
}
