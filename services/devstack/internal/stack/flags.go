package stack

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// LoadConfig reads the flags (args without the program name), with defaults taken from the
// environment (DEVSTACK_<FLAG>, e.g. DEVSTACK_DATA_DIR, DEVSTACK_TEMPORAL_PORT; for
// --otlp-endpoint also OTEL_EXPORTER_OTLP_ENDPOINT) and then from DefaultConfig. It validates
// the result.
func LoadConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	fs.SetOutput(usage)
	env := envDefaults{getenv: getenv}
	fs.StringVar(&cfg.DataDir, "data-dir", env.str("data-dir", cfg.DataDir), "directory holding every service's data (remove it to reset)")
	fs.StringVar(&cfg.Host, "host", env.str("host", cfg.Host), "address every service binds")
	fs.StringVar(&cfg.Namespace, "namespace", env.str("namespace", cfg.Namespace), "Temporal namespace of the journeys")
	fs.BoolVar(&cfg.UI, "ui", env.boolean("ui", cfg.UI), "serve the Temporal Web UI")
	fs.BoolVar(&cfg.Demo, "demo", env.boolean("demo", cfg.Demo), "load the synthetic demo population (idempotent)")
	fs.StringVar(&cfg.TraceFile, "trace-file", env.str("trace-file", ""), "append every span of every service to this file as JSON lines (empty: off)")
	fs.StringVar(&cfg.OTLPEndpoint, "otlp-endpoint", env.str("otlp-endpoint", getenv(telemetry.EnvOTLPEndpoint)),
		"OpenTelemetry collector OTLP/gRPC URL, e.g. http://127.0.0.1:4317, for traces and metrics (empty: off)")
	for _, p := range cfg.Ports.pointers() {
		fs.IntVar(p.ptr, p.flag, env.integer(p.flag, *p.ptr), p.usage+" (0 picks a free port)")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return cfg, errorsJoin(env.errs, cfg.Validate())
}

type portFlag struct {
	flag, usage string
	ptr         *int
}

func (p *Ports) pointers() []portFlag {
	return []portFlag{
		{"temporal-port", "Temporal frontend gRPC port", &p.Temporal}, {"ui-port", "Temporal Web UI port", &p.UI},
		{"eventstore-port", "event store gRPC port", &p.EventStore}, {"coordinator-port", "coordinator gRPC port", &p.Coordinator},
		{"coordinator-http-port", "coordinator REST/JSON port", &p.CoordinatorHTTP},
		{"governance-port", "governance gRPC port", &p.Governance}, {"finance-port", "finance gRPC port", &p.Finance},
		{"finance-http-port", "finance metrics and export port", &p.FinanceHTTP},
		{"dashboard-port", "dashboard gRPC port", &p.Dashboard}, {"dashboard-http-port", "System Dashboard web page port", &p.DashboardHTTP},
	}
}

// envDefaults reads DEVSTACK_* variables, collecting every malformed one.
type envDefaults struct {
	getenv func(string) string
	errs   []error
}

func envName(flagName string) string {
	return "DEVSTACK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (e *envDefaults) str(flagName, def string) string {
	if v := e.getenv(envName(flagName)); v != "" {
		return v
	}
	return def
}

func (e *envDefaults) boolean(flagName string, def bool) bool {
	v := e.getenv(envName(flagName))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: must be true or false, not %q", envName(flagName), v))
		return def
	}
	return b
}

func (e *envDefaults) integer(flagName string, def int) int {
	v := e.getenv(envName(flagName))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: must be a whole number, not %q", envName(flagName), v))
		return def
	}
	return n
}
