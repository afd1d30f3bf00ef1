// Package config reads a pathways binary's configuration one way: each flag names the environment
// variable that gives its default, so a setting is a flag, or its variable, or the built-in default,
// in that order. An environment variable set to the empty string counts as unset (the rule the
// OpenTelemetry specification sets for its own variables): the default applies. To turn off a
// setting whose default is on (a listener, say), pass the flag with an empty value (-http-listen=).
//
// Every FlagSet also has -version (print the build's version and VCS revision, then stop),
// -log-format json|text and -log-level debug|info|warn|error (the default slog logger), and treats
// -h and -help as a request for the usage, printed to its output. Parse reports those two requests
// as ErrHelp and ErrVersion, which a main turns into exit status 0 (see Done).
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// ErrHelp is what Parse returns after printing the usage for -h or -help.
var ErrHelp = errors.New("help requested")

// ErrVersion is what Parse returns after printing the version for -version.
var ErrVersion = errors.New("version requested")

// Done reports whether err means the binary did what was asked, printing its usage or version,
// and should exit with status 0 without doing anything else.
func Done(err error) bool { return errors.Is(err, ErrHelp) || errors.Is(err, ErrVersion) }

// Environment variables of the flags every FlagSet has.
const (
	EnvLogFormat = "PATHWAYS_LOG_FORMAT"
	EnvLogLevel  = "PATHWAYS_LOG_LEVEL"
)

// FlagSet is a flag.FlagSet whose flags take their defaults from named environment variables.
// Build it with New, add flags, then Parse and Check.
type FlagSet struct {
	name     string
	summary  string
	fs       *flag.FlagSet
	getenv   func(string) string
	out      io.Writer
	envOf    map[string]string // flag name -> its environment variable
	problems []error
	version  bool
	log      Logging
}

// New returns the FlagSet of the binary name. getenv reads the environment (os.Getenv in a main,
// a map in tests); out receives the usage and the version (os.Stdout in a main).
func New(name string, getenv func(string) string, out io.Writer) *FlagSet {
	f := &FlagSet{name: name, fs: flag.NewFlagSet(name, flag.ContinueOnError), getenv: getenv, out: out,
		envOf: map[string]string{}, log: Logging{Format: "text", Level: "info"}}
	f.fs.SetOutput(io.Discard) // Parse prints the usage itself, to out, and returns errors unprinted
	f.fs.Usage = func() {}
	f.fs.BoolVar(&f.version, "version", false, "print the version and VCS revision of this build, then exit")
	f.String(&f.log.Format, "log-format", EnvLogFormat, "log format: json or text")
	f.String(&f.log.Level, "log-level", EnvLogLevel, "lowest level logged: debug, info, warn or error")
	return f
}

// DefaultLogLevel changes -log-level's default (info) for this binary, e.g. to warn for a
// benchmark whose output is its figures.
func (f *FlagSet) DefaultLogLevel(level string) {
	f.log.Level = level
	f.fs.Lookup("log-level").DefValue = level
}

// Summary sets the text printed above the flags by -h (what the binary does, its arguments).
func (f *FlagSet) Summary(text string) { f.summary = text }

// Flags is the underlying flag.FlagSet, e.g. to read the arguments left after the flags.
func (f *FlagSet) Flags() *flag.FlagSet { return f.fs }

// Getenv is the environment this FlagSet reads.
func (f *FlagSet) Getenv(key string) string { return f.getenv(key) }

// String defines a string flag whose default is *p, or env's value when set and not empty
// (env may be "" for a flag without a variable).
func (f *FlagSet) String(p *string, name, env, usage string) {
	f.fs.StringVar(p, name, *p, usage)
	f.bind(name, env)
}

// Bool defines a boolean flag (true, false, 1, 0, ...) as String does.
func (f *FlagSet) Bool(p *bool, name, env, usage string) {
	f.fs.BoolVar(p, name, *p, usage)
	f.bind(name, env)
}

// Int defines a whole-number flag as String does.
func (f *FlagSet) Int(p *int, name, env, usage string) {
	f.fs.IntVar(p, name, *p, usage)
	f.bind(name, env)
}

// Duration defines a duration flag (e.g. 90s, 5m) as String does.
func (f *FlagSet) Duration(p *time.Duration, name, env, usage string) {
	f.fs.DurationVar(p, name, *p, usage)
	f.bind(name, env)
}

// Var defines a flag of any flag.Value as String does; its current value is the default.
func (f *FlagSet) Var(v flag.Value, name, env, usage string) {
	f.fs.Var(v, name, usage)
	f.bind(name, env)
}

func (f *FlagSet) bind(name, env string) {
	if env != "" {
		f.envOf[name] = env
	}
}

// Parse sets every flag from its environment variable (when set and not empty), then from args.
// It returns ErrHelp after printing the usage for -h/-help, ErrVersion after printing the version,
// or an error for malformed arguments. Arguments left after the flags, a malformed environment
// variable or a malformed log flag are not returned here but kept for Check, so that every problem
// is reported at once. When the log flags are well formed they set the default slog logger (to
// stderr).
func (f *FlagSet) Parse(args []string) error {
	f.problems = nil
	f.fs.VisitAll(func(fl *flag.Flag) {
		env, ok := f.envOf[fl.Name]
		if !ok {
			return
		}
		if v := f.getenv(env); v != "" {
			if err := f.fs.Set(fl.Name, v); err != nil {
				f.problems = append(f.problems, fmt.Errorf("%s: must be %s, not %q", env, kind(fl), v))
			}
		}
	})
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.PrintUsage()
			return ErrHelp
		}
		return fmt.Errorf("%s: %w (-h lists the flags)", f.name, err)
	}
	if f.version {
		fmt.Fprintln(f.out, Version(f.name))
		return ErrVersion
	}
	if f.fs.NArg() > 0 {
		f.problems = append(f.problems, fmt.Errorf("unexpected arguments after the flags: %q", f.fs.Args()))
	}
	logger, err := f.log.Logger(os.Stderr)
	if err != nil {
		f.problems = append(f.problems, err)
		return nil
	}
	slog.SetDefault(logger)
	return nil
}

// Check returns every problem at once, joined: those Parse kept from the environment and the log
// flags, then the given ones (typically each configuration's Validate(); nil ones are skipped).
func (f *FlagSet) Check(problems ...error) error {
	return errors.Join(append(append([]error(nil), f.problems...), problems...)...)
}

// Logging is what the log flags asked for.
func (f *FlagSet) Logging() Logging { return f.log }

// PrintUsage prints the summary and every flag with its environment variable and default.
func (f *FlagSet) PrintUsage() {
	var b strings.Builder
	if f.summary != "" {
		b.WriteString(strings.TrimRight(f.summary, "\n"))
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "Usage: %s [flags]\n\nFlags (environment variable in brackets; an empty variable counts as unset):\n", f.name)
	f.fs.VisitAll(func(fl *flag.Flag) {
		name, usage := flag.UnquoteUsage(fl)
		fmt.Fprintf(&b, "  -%s", fl.Name)
		if name != "" {
			fmt.Fprintf(&b, " %s", name)
		}
		if env, ok := f.envOf[fl.Name]; ok {
			fmt.Fprintf(&b, " [%s]", env)
		}
		fmt.Fprintf(&b, "\n    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" {
			fmt.Fprintf(&b, " (default %q)", fl.DefValue)
		}
		b.WriteString("\n")
	})
	fmt.Fprint(f.out, b.String())
}

// kind names what a flag's value must be, for a message about a malformed variable.
func kind(fl *flag.Flag) string {
	switch name, _ := flag.UnquoteUsage(fl); name {
	case "":
		return "true or false"
	case "int", "uint":
		return "a whole number"
	case "duration":
		return "a duration such as 90s or 5m"
	default:
		return "a valid " + name
	}
}
