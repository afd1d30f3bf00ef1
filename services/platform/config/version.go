package config

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version describes this build in one line: the binary's name, the main module's version, the
// VCS revision and commit time it was built from ("+modified" when the work tree had changes) and
// the Go version, from runtime/debug.ReadBuildInfo. `go build` stamps the revision when it runs in
// a git checkout (GOFLAGS=-buildvcs=false, `go run` and test binaries leave it out: "revision
// unknown").
func Version(name string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (no build information)"
	}
	return describe(name, info)
}

func describe(name string, info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", name, version)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, " revision %s", rev)
		if settings["vcs.modified"] == "true" {
			b.WriteString("+modified")
		}
		if at := settings["vcs.time"]; at != "" {
			fmt.Fprintf(&b, " (%s)", at)
		}
	} else {
		b.WriteString(" revision unknown")
	}
	fmt.Fprintf(&b, " %s", info.GoVersion)
	return b.String()
}
