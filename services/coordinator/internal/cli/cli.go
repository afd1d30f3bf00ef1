package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Exit codes.
const (
	ExitOK           = 0
	ExitFailed       = 1 // the call failed for another reason (unreachable, internal error)
	ExitUsage        = 2 // the command line is wrong
	ExitInvalid      = 3 // the service refused the input (field violations printed one per line)
	ExitNotFound     = 4 // no such journey, pathway or version
	ExitNotAllowed   = 5 // not allowed now (wrong stage), already exists, lost a race, or permission denied
	ExitUnauthorised = 6 // not signed in, the sign-in expired, or the token or password was refused
)

const usage = `pathwayctl: command-line client of the pathways coordinator and governance APIs

Usage: pathwayctl [global flags] <command> [flags] [args]

Signing in (OpenID Connect; the token is kept in your configuration directory, mode 0600):
  login      [-issuer URL] [-client-id ID] [-scopes S]      device flow: open the link shown,
             enter the code and sign in; pathwayctl waits
  login      -username U -password-stdin (or -password P)    the devstack's provider only
  whoami     who the stored token says you are (decoded locally, not verified)
  token      print a valid access token (refreshed when expired), for
             curl -H "Authorization: Bearer $(pathwayctl token)" ...
  logout     forget the stored token

Referrals and journeys (coordinator API):
  submit     -referral-id ID -pathway msk -nhs-number N -practice A81001 -pcn U12345
             -segment GENERALLY_HEALTHY|LONG_TERM_CONDITIONS|COMPLEX -source GP|FCP|SELF
             -reason TEXT [-referred-at RFC3339]
  worklist   awaiting-triage|breached|in-intervention|due-follow-up [-pathway] [-pcn] [-segment]
             [-page-size N] [-page-token T]
  show       JOURNEY_ID                       the journey, its clocks and its timeline
  triage     JOURNEY_ID -disposition D [-measure code=value[:scale]]...
  schedule   JOURNEY_ID -intervention CODE -at RFC3339
  start      JOURNEY_ID -intervention-id ID
  complete   JOURNEY_ID -intervention-id ID
  dna        JOURNEY_ID -intervention-id ID     record a did-not-attend
  outcome    JOURNEY_ID -point POINT -measure code=value[:scale]...
  discharge  JOURNEY_ID -reason CODE [-stage STAGE] [-note TEXT]
  cancel     JOURNEY_ID -reason CODE [-note TEXT]
  migrate    JOURNEY_ID -to VERSION -reason CODE [-note TEXT] [-dry-run]
             CODE: a reason code of the journey's pathway version (e.g. treatment-complete,
             duplicate, superseded-version); a -note (at most 500 characters) is sealed with the
             patient's key
  admit      JOURNEY_ID -admitted RFC3339 -discharged RFC3339 -reason CODE
             record a hospital admission once the patient has left hospital
             (CODE e.g. copd-exacerbation)
  Every transition takes -request-id (default: a new one); repeat it to retry safely.
  erase      JOURNEY_ID -reason TEXT          information governance: destroy the patient's data
             key (their NHS number, reason for referral and notes can never be read again)

Pathway versions (governance API):
  pathways   list [-pathway ID]
  pathways   show PATHWAY VERSION
  pathways   diff PATHWAY FROM TO
  pathways   draft PATHWAY [-from VERSION] [-title T] [-eog EOG] [-file DOC.yaml] [-reason TEXT]
  pathways   submit PATHWAY VERSION [-reason TEXT]
  pathways   review PATHWAY VERSION -decision approve|request-changes [-comment TEXT] [-reason TEXT]
  pathways   publish PATHWAY VERSION [-effective-from RFC3339] [-reason TEXT]

Every call sends your stored access token; who you are, your roles, Expert Oversight Groups and
organisations come from it. PATHWAYS_CONFIG_DIR overrides where it is kept.

Global flags (environment variable in brackets):
`

// Run runs pathwayctl with args (without the program name) and returns the exit code. Its
// standard input is empty (login -password-stdin reads none); cmd/pathwayctl uses RunWithStdin.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return RunWithStdin(ctx, args, strings.NewReader(""), stdout, stderr, getenv)
}

// RunWithStdin is Run reading standard input from stdin (login -password-stdin).
func RunWithStdin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	g, rest, err := parseGlobals(args, stderr, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if len(rest) == 0 {
		fmt.Fprintln(stderr, "pathwayctl: a command is required (pathwayctl -h lists them)")
		return ExitUsage
	}

	cmd, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(stderr, "pathwayctl: unknown command %q (pathwayctl -h lists them)\n", rest[0])
		return ExitUsage
	}
	if rest[0] != "login" { // login waits for a person; the device code's expiry bounds it
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	c := &call{globals: g, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	defer c.close()
	return c.exit(cmd(ctx, c, rest[1:]))
}

type globals struct {
	coordinatorAddr, governanceAddr string
	caFile, output                  string
	insecure                        bool
	timeout                         time.Duration
}

func parseGlobals(args []string, stderr io.Writer, getenv func(string) string) (globals, []string, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var g globals
	fs := flag.NewFlagSet("pathwayctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&g.coordinatorAddr, "coordinator", env("PATHWAYCTL_COORDINATOR", "127.0.0.1:9101"), "coordinator gRPC address [PATHWAYCTL_COORDINATOR]")
	fs.StringVar(&g.governanceAddr, "governance", env("PATHWAYCTL_GOVERNANCE", "127.0.0.1:9102"), "governance gRPC address [PATHWAYCTL_GOVERNANCE]")
	fs.StringVar(&g.caFile, "ca-file", env("PATHWAYS_CA_FILE", ""), "PEM certificates trusted, besides the system's, for the services' and the identity provider's TLS (the devstack's local CA) [PATHWAYS_CA_FILE]")
	fs.BoolVar(&g.insecure, "insecure", env("PATHWAYCTL_INSECURE", "") == "true", "call the services in plaintext, without TLS: only a development server on loopback started with -insecure; your token crosses the connection unencrypted [PATHWAYCTL_INSECURE=true]")
	fs.StringVar(&g.output, "o", env("PATHWAYCTL_OUTPUT", "table"), "output: table or json [PATHWAYCTL_OUTPUT]")
	fs.DurationVar(&g.timeout, "timeout", time.Minute, "how long to wait for an answer (login waits until its code expires)")
	if err := fs.Parse(args); err != nil {
		return g, nil, err
	}
	if g.output != "table" && g.output != "json" {
		fmt.Fprintf(stderr, "pathwayctl: -o must be table or json, not %q\n", g.output)
		return g, nil, errors.New("bad -o")
	}
	return g, fs.Args(), nil
}

// call holds the connections and output of one command.
type call struct {
	globals
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	sess           *session
	conns          []*grpc.ClientConn
	dialed         []string
	// flagOf names the flag of the command that sets an API field, for error messages.
	flagOf map[string]string
}

// dial connects to a service: TLS verified against the system roots and -ca-file (plaintext
// only with -insecure, and only to a loopback address), every call carrying the stored access
// token. Not signed in, or a sign-in that expired and cannot be renewed, fails here, before any
// call is made.
func (c *call) dial(ctx context.Context, addr string) (*grpc.ClientConn, error) {
	if c.sess == nil {
		s, err := c.openSession()
		if err != nil {
			return nil, err
		}
		if _, err := s.Token(ctx); err != nil {
			return nil, err
		}
		c.sess = s
	}
	var transport grpc.DialOption
	if c.insecure {
		if host, _, err := net.SplitHostPort(addr); err != nil || !isLoopback(host) {
			return nil, usagef("-insecure: only for a service on a loopback address (your token would cross the network unencrypted), not %q", addr)
		}
		transport = grpc.WithTransportCredentials(insecure.NewCredentials()) // asked for, on loopback only
	} else {
		cfg, err := c.tlsConfig()
		if err != nil {
			return nil, err
		}
		transport = grpc.WithTransportCredentials(credentials.NewTLS(cfg))
	}
	bearer := identity.Bearer{Token: c.sess.Token, AllowInsecure: c.insecure}
	conn, err := grpc.NewClient(addr, transport, grpc.WithPerRPCCredentials(bearer))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	c.conns, c.dialed = append(c.conns, conn), append(c.dialed, addr)
	return conn, nil
}

func (c *call) coordinator(ctx context.Context) (coordinatorv1.CoordinatorServiceClient, error) {
	conn, err := c.dial(ctx, c.coordinatorAddr)
	if err != nil {
		return nil, err
	}
	c.flagOf = coordinatorFlags
	return coordinatorv1.NewCoordinatorServiceClient(conn), nil
}

func (c *call) governance(ctx context.Context) (governancev1.GovernanceServiceClient, error) {
	conn, err := c.dial(ctx, c.governanceAddr)
	if err != nil {
		return nil, err
	}
	return governancev1.NewGovernanceServiceClient(conn), nil
}

func (c *call) close() {
	for _, conn := range c.conns {
		_ = conn.Close()
	}
}

// usageError is a wrong command line.
type usageError struct {
	msg     string
	printed bool // the flag package already printed it
}

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{msg: fmt.Sprintf(format, args...)} }

// newFlags returns a subcommand's flag set writing its help to stderr. It takes -o too, so the
// output format may follow the command (pathwayctl show ID -o json).
func (c *call) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("pathwayctl "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Func("o", "output: table or json (also a global flag)", func(s string) error {
		if s != "table" && s != "json" {
			return fmt.Errorf("must be table or json, not %q", s)
		}
		c.output = s
		return nil
	})
	return fs
}

// parseInterspersed parses flags that may come after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func trim(s string) string { return strings.TrimSpace(s) }

// parseFlags parses a subcommand's flags; a bad flag is a usage error (already printed).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return usageError{msg: err.Error(), printed: true}
	}
	return err
}
