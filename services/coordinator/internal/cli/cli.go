package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// Exit codes.
const (
	ExitOK           = 0
	ExitFailed       = 1 // the call failed for another reason (unreachable, internal error)
	ExitUsage        = 2 // the command line is wrong
	ExitInvalid      = 3 // the service refused the input (field violations printed one per line)
	ExitNotFound     = 4 // no such journey, pathway or version
	ExitNotAllowed   = 5 // not allowed now (wrong stage), already exists, lost a race, or permission denied
	ExitUnauthorised = 6 // no identity (-actor)
)

const usage = `pathwayctl: command-line client of the pathways coordinator and governance APIs

Usage: pathwayctl [global flags] <command> [flags] [args]

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
  discharge  JOURNEY_ID -reason TEXT [-stage STAGE]
  cancel     JOURNEY_ID -reason TEXT
  migrate    JOURNEY_ID -to VERSION -reason TEXT [-dry-run]
  admit      JOURNEY_ID -admitted RFC3339 -discharged RFC3339 -reason CODE
             record a hospital admission once the patient has left hospital
             (CODE e.g. copd-exacerbation)
  Every transition takes -request-id (default: a new one); repeat it to retry safely.

Pathway versions (governance API):
  pathways   list [-pathway ID]
  pathways   show PATHWAY VERSION
  pathways   diff PATHWAY FROM TO
  pathways   draft PATHWAY [-from VERSION] [-title T] [-eog EOG] [-file DOC.yaml] [-reason TEXT]
  pathways   submit PATHWAY VERSION [-reason TEXT]
  pathways   review PATHWAY VERSION -decision approve|request-changes [-comment TEXT] [-reason TEXT]
  pathways   publish PATHWAY VERSION [-effective-from RFC3339] [-reason TEXT]

Global flags (environment variable in brackets):
`

// Run runs pathwayctl with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
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
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	c := &call{globals: g, stdout: stdout, stderr: stderr}
	defer c.close()
	return c.exit(cmd(ctx, c, rest[1:]))
}

type globals struct {
	coordinatorAddr, governanceAddr string
	actor, roles, eog, output       string
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
	fs.StringVar(&g.actor, "actor", env("PATHWAYCTL_ACTOR", getenv("USER")), "who you are: x-actor [PATHWAYCTL_ACTOR, else USER]")
	fs.StringVar(&g.roles, "roles", env("PATHWAYCTL_ROLES", "coordinator"), "your roles, comma-separated: x-roles [PATHWAYCTL_ROLES]")
	fs.StringVar(&g.eog, "eog", env("PATHWAYCTL_EOG", ""), "your Expert Oversight Groups, comma-separated: x-eog [PATHWAYCTL_EOG]")
	fs.StringVar(&g.output, "o", env("PATHWAYCTL_OUTPUT", "table"), "output: table or json [PATHWAYCTL_OUTPUT]")
	fs.DurationVar(&g.timeout, "timeout", time.Minute, "how long to wait for an answer")
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
	stdout, stderr io.Writer
	conns          []*grpc.ClientConn
	dialed         []string
	// flagOf names the flag of the command that sets an API field, for error messages.
	flagOf map[string]string
}

// errNoActor: the caller did not say who they are; every call needs it.
var errNoActor = errors.New("who you are is required: -actor NAME or PATHWAYCTL_ACTOR (it is recorded on the journey's events)")

func (c *call) dial(addr string) (*grpc.ClientConn, error) {
	if trim(c.actor) == "" {
		return nil, errNoActor
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	c.conns, c.dialed = append(c.conns, conn), append(c.dialed, addr)
	return conn, nil
}

func (c *call) coordinator() (coordinatorv1.CoordinatorServiceClient, error) {
	conn, err := c.dial(c.coordinatorAddr)
	if err != nil {
		return nil, err
	}
	c.flagOf = coordinatorFlags
	return coordinatorv1.NewCoordinatorServiceClient(conn), nil
}

func (c *call) governance() (governancev1.GovernanceServiceClient, error) {
	conn, err := c.dial(c.governanceAddr)
	if err != nil {
		return nil, err
	}
	return governancev1.NewGovernanceServiceClient(conn), nil
}

// identify adds the caller's identity to an outgoing call.
func (c *call) identify(ctx context.Context) context.Context {
	kv := []string{"x-actor", c.actor, "x-roles", c.roles}
	if c.eog != "" {
		kv = append(kv, "x-eog", c.eog)
	}
	return metadata.AppendToOutgoingContext(ctx, kv...)
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
