package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
)

func TestHelpAndVersionExitZero(t *testing.T) {
	tests := []struct {
		args []string
		out  string
	}{
		{[]string{"-version"}, "pathwayctl "},
		{[]string{"--version"}, "pathwayctl "},
		{[]string{"-h"}, "pathwayctl"},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, cli.ExitOK, run(t.Context(), tt.args, &stdout, &stderr))
			require.Contains(t, stdout.String()+stderr.String(), tt.out)
		})
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, cli.ExitUsage, run(t.Context(), []string{"-no-such-flag"}, &stdout, &stderr))
}
