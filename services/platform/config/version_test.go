package config

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDescribeNamesVersionRevisionAndGo(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"a clean checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "562d1a2f"}, {Key: "vcs.time", Value: "2026-05-01T10:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			"finance v1.2.0 revision 562d1a2f (2026-05-01T10:00:00Z) go1.26.8"},
		{"local changes", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "562d1a2f"}, {Key: "vcs.modified", Value: "true"}}},
			"finance (devel) revision 562d1a2f+modified go1.26.8"},
		{"built without VCS stamping", debug.BuildInfo{GoVersion: "go1.26.8"}, "finance (devel) revision unknown go1.26.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, describe("finance", &tt.info))
		})
	}
	require.Contains(t, Version("finance"), "finance ")
}
