package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

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
