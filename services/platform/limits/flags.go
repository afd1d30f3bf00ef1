package limits

import (
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

// The flag names, as Validate reports them.
const (
	flagMaxRecv           = "grpc-max-recv-bytes"
	flagMaxSend           = "grpc-max-send-bytes"
	flagMaxStreams        = "grpc-max-streams"
	flagPingMin           = "grpc-ping-min-interval"
	flagIdle              = "grpc-max-connection-idle"
	flagPingInterval      = "grpc-ping-interval"
	flagPingTimeout       = "grpc-ping-timeout"
	flagRate              = "rate-limit"
	flagBurst             = "rate-burst"
	flagReadHeaderTimeout = "http-read-header-timeout"
	flagReadTimeout       = "http-read-timeout"
	flagWriteTimeout      = "http-write-timeout"
	flagIdleTimeout       = "http-idle-timeout"
	flagMaxHeader         = "http-max-header-bytes"
	flagMaxBody           = "http-max-body-bytes"
)

// Register defines the gRPC limit and rate flags on fs, each with an environment variable
// envPrefix + "_" + the flag's name in capitals (COORDINATOR_GRPC_MAX_RECV_BYTES, say). c's
// fields are the defaults (DefaultConfig). Call it from main only, before fs.Parse.
func (c *Config) Register(fs *config.FlagSet, envPrefix string) {
	env := envOf(envPrefix)
	fs.Int(&c.MaxRecvMsgBytes, flagMaxRecv, env(flagMaxRecv), "largest gRPC message accepted, in bytes; bigger ones are refused ResourceExhausted (0: gRPC's 4 MiB)")
	fs.Int(&c.MaxSendMsgBytes, flagMaxSend, env(flagMaxSend), "largest gRPC message sent, in bytes (0: no cap)")
	fs.Int(&c.MaxConcurrentStreams, flagMaxStreams, env(flagMaxStreams), "calls one gRPC connection may have open at once (0: no cap)")
	fs.Duration(&c.PingMinInterval, flagPingMin, env(flagPingMin), "closest together a client may send keepalive pings; more often: GOAWAY too_many_pings (0: gRPC's 5m)")
	fs.Duration(&c.MaxConnectionIdle, flagIdle, env(flagIdle), "close gRPC connections without calls for this long (0: never)")
	fs.Duration(&c.PingInterval, flagPingInterval, env(flagPingInterval), "ping a gRPC connection silent for this long (0: gRPC's 2h)")
	fs.Duration(&c.PingTimeout, flagPingTimeout, env(flagPingTimeout), "close a gRPC connection whose ping is unanswered for this long (0: gRPC's 20s)")
	fs.Var((*float)(&c.Rate.PerSecond), flagRate, env(flagRate), "calls a second each caller (principal, else IP address) may keep up, a `number`; over it: ResourceExhausted / 429 (0: no limit)")
	fs.Int(&c.Rate.Burst, flagBurst, env(flagBurst), "calls each caller may make at once before -rate-limit applies")
}

// Register defines the HTTP server flags on fs, as Config.Register does (FINANCE_HTTP_READ_TIMEOUT,
// say). c's fields are the defaults (DefaultHTTPConfig).
func (c *HTTPConfig) Register(fs *config.FlagSet, envPrefix string) {
	env := envOf(envPrefix)
	fs.Duration(&c.ReadHeaderTimeout, flagReadHeaderTimeout, env(flagReadHeaderTimeout), "time allowed to read an HTTP request's header (0: -http-read-timeout)")
	fs.Duration(&c.ReadTimeout, flagReadTimeout, env(flagReadTimeout), "time allowed to read a whole HTTP request, body included (0: none)")
	fs.Duration(&c.WriteTimeout, flagWriteTimeout, env(flagWriteTimeout), "time allowed to write an HTTP response after reading the request; streaming routes lift it (0: none)")
	fs.Duration(&c.IdleTimeout, flagIdleTimeout, env(flagIdleTimeout), "time a kept-alive HTTP connection may wait for its next request (0: -http-read-timeout)")
	fs.Int(&c.MaxHeaderBytes, flagMaxHeader, env(flagMaxHeader), "largest HTTP request header, in bytes (0: net/http's 1 MB)")
	fs.Int(&c.MaxBodyBytes, flagMaxBody, env(flagMaxBody), "largest HTTP request body, in bytes; bigger: 413 (0: no cap)")
}

// envOf returns the function naming a flag's variable: PREFIX_FLAG_NAME.
func envOf(prefix string) func(flag string) string {
	return func(flag string) string { return prefix + "_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_")) }
}

// float is a float64 flag.Value (config.FlagSet has none of its own).
type float float64

func (f *float) String() string { return strconv.FormatFloat(float64(*f), 'g', -1, 64) }

func (f *float) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = float(v)
	return nil
}
