// Package clientsuite runs the official EventStoreDB/KurrentDB Go clients'
// own test suites against this event store, so that our reading of the
// protocol is checked by tests someone else wrote. For each suite it
// fetches the client module through the Go module proxy (module zips carry
// their tests), copies it to a scratch directory, writes fresh TLS
// certificates in the layout the tests expect, starts in-memory servers
// on the addresses the tests dial, runs `go test -json` there and compares
// every failure with the suite's expected-failures list.
package clientsuite

import (
	"bytes"
	"context"
	_ "embed" // expected-failure lists and the esdb harness
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/server"
)

// Node is one server a suite dials.
type Node struct {
	Listen string // host:port the tests dial
	// CertDir, when set, is the directory (under the generated
	// certificates) holding node.crt and node.key: the node speaks TLS and
	// authenticates every call. Without it the node runs insecure.
	CertDir string
}

// Suite is one client module's test package run against our server.
type Suite struct {
	Name    string // short name, used in flags and messages
	Module  string // module path
	Version string // module version
	Package string // package with the tests, relative to the module root
	// CertsDir is where the tests look for certificates, relative to the
	// module root.
	CertsDir string
	Nodes    []Node
	Env      []string // extra environment for go test
	// Overlay maps a file of the module (relative to its root) to our
	// replacement, passed to go test -overlay.
	Overlay map[string][]byte
	// Expected is the expected-failures list.
	Expected []byte
}

//go:embed expected-failures-kurrentdb.txt
var kurrentdbExpected []byte

//go:embed expected-failures-esdb.txt
var esdbExpected []byte

//go:embed esdbharness/containers_test.go.txt
var esdbHarness []byte

// Suites are the client test suites this package knows.
func Suites() []Suite {
	return []Suite{
		{
			Name:     "kurrentdb",
			Module:   "github.com/kurrent-io/KurrentDB-Client-Go",
			Version:  "v1.1.2",
			Package:  "./test",
			CertsDir: "certs",
			// The tests dial a plaintext node on 2114 and a TLS node on 2115
			// (their docker-compose.yml); the cluster on 2111-2113 needs gossip.
			Nodes: []Node{
				{Listen: "127.0.0.1:2114"},
				{Listen: "127.0.0.1:2115", CertDir: "node1"},
			},
			Expected: kurrentdbExpected,
		},
		{
			Name:     "esdb",
			Module:   "github.com/EventStore/EventStore-Client-Go/v4",
			Version:  "v4.2.0",
			Package:  "./esdb",
			CertsDir: "certs",
			Nodes: []Node{
				{Listen: "127.0.0.1:2116"},
				{Listen: "127.0.0.1:2117", CertDir: "node"},
			},
			Env: []string{
				"EVENTSTORE_INSECURE=false", // the TLS node: runs the TLS tests too
				"PATHWAYS_ESDB_INSECURE_ENDPOINT=localhost:2116",
				"PATHWAYS_ESDB_SECURE_ENDPOINT=localhost:2117",
			},
			Overlay:  map[string][]byte{"esdb/containers_test.go": esdbHarness},
			Expected: esdbExpected,
		},
	}
}

// Options tune a run.
type Options struct {
	WorkDir string        // scratch directory (a temporary one when empty)
	Timeout time.Duration // go test -timeout
	Run     string        // go test -run pattern (all tests when empty)
	Verbose bool          // copy go test's own output to Out
	Out     io.Writer     // progress and the report
}

// Run runs one suite and judges it. The error is about the run itself
// (fetch, build set-up, servers); a mismatch with the list is in the
// verdict.
func Run(ctx context.Context, s Suite, opts Options) (Verdict, error) {
	expected, err := ParseExpectations(bytes.NewReader(s.Expected))
	if err != nil {
		return Verdict{}, fmt.Errorf("%s expected failures: %w", s.Name, err)
	}
	work := opts.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "clientsuite-"+s.Name+"-"); err != nil {
			return Verdict{}, fmt.Errorf("scratch directory: %w", err)
		}
		defer func() { _ = os.RemoveAll(work) }()
	}
	fmt.Fprintf(opts.Out, "== %s %s@%s: fetching through the module proxy\n", s.Name, s.Module, s.Version)
	src, err := moduleDir(ctx, work, s.Module+"@"+s.Version)
	if err != nil {
		return Verdict{}, err
	}
	root := filepath.Join(work, s.Name)
	if err := copyTree(src, root); err != nil {
		return Verdict{}, err
	}
	certs := filepath.Join(root, s.CertsDir)
	if err := os.RemoveAll(certs); err != nil {
		return Verdict{}, fmt.Errorf("remove shipped certificates: %w", err)
	}
	if err := writeCertificates(certs); err != nil {
		return Verdict{}, err
	}
	stop, err := startNodes(ctx, s.Nodes, certs, filepath.Join(work, s.Name+"-server.log"))
	if err != nil {
		return Verdict{}, err
	}
	defer stop()

	topLevel, err := topLevelTests(filepath.Join(root, s.Package))
	if err != nil {
		return Verdict{}, err
	}
	args := []string{"test", "-json", "-count=1", "-vet=off", "-timeout=" + opts.Timeout.String()}
	skipFlags, err := SkipFlags(expected, topLevel)
	if err != nil {
		return Verdict{}, fmt.Errorf("%s expected failures: %w", s.Name, err)
	}
	for _, f := range skipFlags {
		if opts.Run != "" && strings.HasPrefix(f, "-run=") {
			continue
		}
		args = append(args, f)
	}
	if opts.Run != "" {
		args = append(args, "-run="+opts.Run)
	}
	if len(s.Overlay) > 0 {
		overlay, err := writeOverlay(work, root, s.Overlay)
		if err != nil {
			return Verdict{}, err
		}
		args = append(args, "-overlay="+overlay)
	}
	args = append(args, s.Package)
	fmt.Fprintf(opts.Out, "== %s: go %s (in %s)\n", s.Name, strings.Join(args, " "), root)
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // G204: go test with flags built here from the suite's own list

	cmd.Dir = root
	cmd.Env = append(goEnv(), s.Env...)
	var out, stderr bytes.Buffer
	cmd.Stdout = &out
	if opts.Verbose {
		cmd.Stdout = io.MultiWriter(&out, opts.Out)
	}
	cmd.Stderr = &stderr
	started := time.Now()
	runErr := cmd.Run()
	res, err := ParseResults(&out)
	if err != nil {
		return Verdict{}, err
	}
	if runErr != nil && !res.PackageFailed && len(res.Outcomes) == 0 {
		return Verdict{}, fmt.Errorf("go test: %w\n%s%s", runErr, strings.Join(res.PackageOutput, "\n"), stderr.Bytes())
	}
	if stderr.Len() > 0 {
		res.PackageOutput = append(res.PackageOutput, strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")...)
	}
	v := Judge(res, expected)
	report(opts.Out, s, res, v, time.Since(started))
	return v, nil
}

// topLevelRE finds the top-level tests of a test file.
var topLevelRE = regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)

// topLevelTests answers the names of the top-level tests in dir.
func topLevelTests(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, fmt.Errorf("list tests: %w", err)
	}
	var names []string
	for _, f := range files {
		src, err := os.ReadFile(f) //nolint:gosec // G304: a file of the module copy in our scratch directory
		if err != nil {
			return nil, fmt.Errorf("read tests: %w", err)
		}
		for _, m := range topLevelRE.FindAllSubmatch(src, -1) {
			names = append(names, string(m[1]))
		}
	}
	return names, nil
}

// goEnv is the environment of the go commands: the module's own go.mod
// and go.sum, no workspace, this toolchain.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
}

// moduleDir downloads module@version into the module cache and answers its
// directory there (read-only).
func moduleDir(ctx context.Context, work, modVersion string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", modVersion) //nolint:gosec // G204: a module@version from Suites()
	cmd.Dir = work
	cmd.Env = goEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w: %s%s", modVersion, err, out, stderr.Bytes())
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download %s: %w", modVersion, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", modVersion, info.Error)
	}
	return info.Dir, nil
}

// copyTree copies the (read-only) module directory src to dst, writable.
func copyTree(src, dst string) error {
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path) //nolint:gosec // G122: walking a module copy this program just downloaded
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600) //nolint:gosec // G703: target is src's own relative path joined under dst
	})
	if err != nil {
		return fmt.Errorf("copy module %s: %w", src, err)
	}
	return nil
}

// writeOverlay writes the replacement files and the go test -overlay JSON
// naming them, and answers the JSON's path.
func writeOverlay(work, root string, files map[string][]byte) (string, error) {
	replace := map[string]string{}
	for rel, data := range files {
		repl := filepath.Join(work, "overlay", filepath.Base(rel))
		if err := os.MkdirAll(filepath.Dir(repl), 0o750); err != nil {
			return "", fmt.Errorf("overlay directory: %w", err)
		}
		if err := os.WriteFile(repl, data, 0o600); err != nil {
			return "", fmt.Errorf("write overlay %s: %w", rel, err)
		}
		replace[filepath.Join(root, rel)] = repl
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", fmt.Errorf("encode overlay: %w", err)
	}
	path := filepath.Join(work, "overlay.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write overlay: %w", err)
	}
	return path, nil
}

// startNodes starts one in-memory server per node, logging to logPath, and
// answers a function stopping them all.
func startNodes(ctx context.Context, nodes []Node, certs, logPath string) (func(), error) {
	logFile, err := os.Create(logPath) //nolint:gosec // G304: a file in our own scratch directory
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	log := slog.New(slog.NewTextHandler(logFile, nil))
	var started []*server.Server
	stop := func() {
		for _, s := range started {
			_ = s.Close()
		}
		_ = logFile.Close()
	}
	for _, n := range nodes {
		// Plaintext nodes run insecure (no authentication) and TLS nodes secure (users admin
		// and ops with password changeit, user certificates signed by ca), as in the suites'
		// docker-compose files.
		cfg := config.Config{Listen: n.Listen, InMemory: true, Insecure: n.CertDir == ""}
		if n.CertDir != "" {
			cfg.TLSCert = filepath.Join(certs, n.CertDir, "node.crt")
			cfg.TLSKey = filepath.Join(certs, n.CertDir, "node.key")
			cfg.TLSCAFile = filepath.Join(certs, "ca", "ca.crt")
			cfg.AdminPassword, cfg.OpsPassword = auth.DefaultPassword, auth.DefaultPassword
		}
		srv, err := server.Start(ctx, cfg, log.With("node", n.Listen))
		if err != nil {
			stop()
			return nil, fmt.Errorf("start event store on %s (the client tests dial this fixed address): %w", n.Listen, err)
		}
		started = append(started, srv)
	}
	return stop, nil
}

// report writes what matched and what did not.
func report(w io.Writer, s Suite, res Results, v Verdict, took time.Duration) {
	fmt.Fprintf(w, "== %s: %d passed, %d skipped, %d expected failures, in %s\n",
		s.Name, len(v.Passed), len(v.Skipped), len(v.ExpectedFailures), took.Round(time.Second))
	for _, name := range v.UnexpectedFailures {
		fmt.Fprintf(w, "UNEXPECTED FAILURE %s\n", name)
		for _, line := range res.Output[name] {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	for _, e := range v.UnexpectedPasses {
		fmt.Fprintf(w, "UNEXPECTED PASS %s (listed: %s): take it off the list\n", e.Test, e.Reason)
	}
	for _, e := range v.RanDespiteSkip {
		fmt.Fprintf(w, "RAN %s although listed to skip (%s)\n", e.Test, e.Reason)
	}
	for _, e := range v.NotRun {
		fmt.Fprintf(w, "NOT RUN %s (listed: %s): renamed, skipped or the run ended early\n", e.Test, e.Reason)
	}
	if v.Broken {
		fmt.Fprintf(w, "BROKEN: go test failed outside any test:\n%s\n", strings.Join(res.PackageOutput, "\n"))
	}
}
