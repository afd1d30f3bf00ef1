package temporalserver

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
)

// DatabaseFile is the name of the SQLite file under Options.DataDir.
const DatabaseFile = "temporal.db"

// LogFile is the name of the server log under Options.DataDir (warnings and errors only).
const LogFile = "temporal.log"

// Options configures the embedded server.
type Options struct {
	// DataDir holds the SQLite database and the server log; it is created if missing.
	DataDir string
	// IP is the loopback address every service binds; default 127.0.0.1.
	IP string
	// FrontendPort is the frontend gRPC port; 0 picks a free one.
	FrontendPort int
	// UIPort is the Web UI port when UI is set; 0 picks a free one.
	UIPort int
	// UI serves the Temporal Web UI.
	UI bool
	// Namespace is registered at start if missing.
	Namespace string
	// SearchAttributes are the namespace's custom search attributes (name to type).
	SearchAttributes map[string]enumspb.IndexedValueType
}

func (o Options) withDefaults() Options {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if strings.TrimSpace(o.DataDir) == "" {
		errs = append(errs, errors.New("temporal data dir: is required"))
	}
	if strings.TrimSpace(o.Namespace) == "" {
		errs = append(errs, errors.New("temporal namespace: is required"))
	}
	for name, port := range map[string]int{"temporal frontend port": o.FrontendPort, "temporal ui port": o.UIPort} {
		if port < 0 || port > 65535 {
			errs = append(errs, fmt.Errorf("%s: must be 0..65535, not %d", name, port))
		}
	}
	return errors.Join(errs...)
}

func (o Options) databasePath() string { return filepath.Join(o.DataDir, DatabaseFile) }
