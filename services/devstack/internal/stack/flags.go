package stack

import (
	"io"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// LoadConfig reads the flags (args without the program name) over the environment
// (DEVSTACK_<FLAG>, e.g. DEVSTACK_DATA_DIR, DEVSTACK_TEMPORAL_PORT; for -otlp-endpoint also
// OTEL_EXPORTER_OTLP_ENDPOINT, below DEVSTACK_OTLP_ENDPOINT) over DefaultConfig, the platform's
// one way (services/platform/config: an empty variable counts as unset). It validates the result,
// listing every problem; -h and -version print to usage and return config.ErrHelp / ErrVersion.
func LoadConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	cfg := DefaultConfig()
	cfg.OTLPEndpoint = getenv(telemetry.EnvOTLPEndpoint)
	fs := config.New("devstack", getenv, usage)
	fs.Summary("devstack runs the whole pathways system in one process on loopback.")
	fs.String(&cfg.DataDir, "data-dir", envName("data-dir"), "directory holding every service's data (remove it to reset)")
	fs.String(&cfg.Host, "host", envName("host"), "address every service binds")
	fs.String(&cfg.Namespace, "namespace", envName("namespace"), "Temporal namespace of the journeys")
	fs.Bool(&cfg.UI, "ui", envName("ui"), "serve the Temporal Web UI")
	fs.Bool(&cfg.Demo, "demo", envName("demo"), "load the synthetic demo population (idempotent)")
	fs.String(&cfg.TraceFile, "trace-file", envName("trace-file"), "append every span of every service to this file as JSON lines (empty: off)")
	fs.String(&cfg.OTLPEndpoint, "otlp-endpoint", envName("otlp-endpoint"),
		"OpenTelemetry collector OTLP/gRPC URL, e.g. http://127.0.0.1:4317, for traces and metrics (default $"+telemetry.EnvOTLPEndpoint+"; empty: off)")
	fs.Bool(&cfg.Insecure, "insecure", envName("insecure"), "run without TLS, tokens or access control (loopback development only)")
	fs.Duration(&cfg.Retention, "temporal-retention", envName("temporal-retention"),
		"how long Temporal keeps closed journeys' histories (the namespace retention; the event store is the record)")
	fs.Var(&cfg.RecordsRetention, "records-retention", envName("records-retention"),
		"the coordinator deletes a journey's event stream this long after it closed or was cancelled, as 8y, 90d or 36h")
	fs.Bool(&cfg.RotatePayloadKey, "rotate-payload-key", envName("rotate-payload-key"),
		"add a new primary key to <data-dir>/keys/payload-keys.json before starting (old keys kept: earlier journeys still decrypt)")
	fs.Duration(&cfg.ScavengeInterval, "scavenge-interval", envName("scavenge-interval"),
		"how often the event store scavenges the bytes of deleted and expired events off its disk (0: off)")
	fs.Bool(&cfg.RebuildDashboard, "rebuild-dashboard", envName("rebuild-dashboard"),
		"replay every journey stream of the event store into the dashboard's read model before serving")
	for _, p := range cfg.Ports.pointers() {
		fs.Int(p.ptr, p.flag, envName(p.flag), p.usage+" (0 picks a free port)")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if err := fs.Check(cfg.Validate()); err != nil {
		return Config{}, err
	}
	return cfg, nil
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
		{"oidc-port", "OpenID Connect provider (HTTPS) port", &p.OIDC},
	}
}

// envName is the DEVSTACK_* variable of a flag.
func envName(flagName string) string {
	return "DEVSTACK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
