package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

const (
	// readyWithin bounds a start, including loading the demo population.
	readyWithin = 5 * time.Minute
	// stopWithin bounds a SIGTERM shutdown.
	stopWithin = time.Minute
	// upLine is what the devstack prints once it serves (after the demo loaded).
	upLine = "devstack is up"
	// lastDemoJourney is the demo journey loaded last (its script ends discharged), and the
	// demo coordinator of its PCN (U90002), who may read it.
	lastDemoJourney            = "ref-DEMO-COPD-0005"
	lastDemoJourneyCoordinator = "coord-u90002"
)

// ports are the addresses the devstack is told to use, one free loopback port each.
type ports struct {
	temporal, eventstore, governance, finance, financeHTTP, coordinator, coordinatorHTTP, dashboard, dashboardHTTP, oidc string
}

// devstack is one devstack child process.
type devstack struct {
	dataDir string
	demo    bool
	// insecure: started --insecure (plaintext, no tokens), as binaries_test's own services need.
	insecure bool
	addr     ports
	cmd      *exec.Cmd
	out      *syncBuffer
	exited   chan struct{}
	waitErr  error
	// readyIn is how long the start took until every probe answered.
	readyIn time.Duration
}

// syncBuffer collects the child's output for readiness and diagnostics.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePorts picks free loopback ports (listen on :0, note the port, close).
func freePorts() (ports, error) {
	var got []string
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for range 10 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ports{}, fmt.Errorf("free port: %w", err)
		}
		listeners = append(listeners, l)
		got = append(got, l.Addr().String())
	}
	return ports{temporal: got[0], eventstore: got[1], governance: got[2], finance: got[3], financeHTTP: got[4],
		coordinator: got[5], coordinatorHTTP: got[6], dashboard: got[7], dashboardHTTP: got[8], oidc: got[9]}, nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// startDevstack starts the devstack on dataDir with fresh ports and waits until it serves. extra
// flags (e.g. --trace-file) are passed on.
func startDevstack(dataDir string, demo bool, extra ...string) (*devstack, error) {
	if devstackBin == "" {
		return nil, errors.New("the devstack binary was not built (-short?)")
	}
	p, err := freePorts()
	if err != nil {
		return nil, err
	}
	d := &devstack{dataDir: dataDir, demo: demo, addr: p, out: &syncBuffer{}, exited: make(chan struct{}),
		insecure: slices.Contains(extra, "--insecure")}
	d.cmd = exec.CommandContext(context.Background(), devstackBin,
		"--data-dir", dataDir, "--demo="+strconv.FormatBool(demo), "--ui=false",
		"--temporal-port", portOf(p.temporal), "--eventstore-port", portOf(p.eventstore),
		"--governance-port", portOf(p.governance), "--finance-port", portOf(p.finance),
		"--finance-http-port", portOf(p.financeHTTP), "--coordinator-port", portOf(p.coordinator),
		"--coordinator-http-port", portOf(p.coordinatorHTTP), "--dashboard-port", portOf(p.dashboard),
		"--dashboard-http-port", portOf(p.dashboardHTTP), "--oidc-port", portOf(p.oidc))
	d.cmd.Args = append(d.cmd.Args, extra...)
	d.cmd.Env = withoutDevstackEnv(os.Environ())
	// If the test binary dies (timeout, panic), the devstack goes with it.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	started := time.Now()
	if err := d.start(); err != nil {
		return nil, err
	}
	if err := d.waitReady(); err != nil {
		_ = d.kill()
		return nil, fmt.Errorf("%w\n--- devstack output ---\n%s", err, d.out.String())
	}
	d.readyIn = time.Since(started)
	return d, nil
}

// withoutDevstackEnv drops DEVSTACK_* settings of the caller so only the flags count.
func withoutDevstackEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "DEVSTACK_") {
			out = append(out, kv)
		}
	}
	return out
}

// waitReady polls real calls until every service answers, or the deadline passes, or the child
// exits.
func (d *devstack) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyWithin)
	defer cancel()
	var last error
	for {
		select {
		case <-d.exited:
			return fmt.Errorf("devstack exited before it was ready: %w", d.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("devstack not ready within %s: %w", readyWithin, last)
		case <-time.After(200 * time.Millisecond):
		}
		if last = d.probe(ctx); last == nil {
			return nil
		}
	}
}

// probe makes one round of real calls: gRPC health of every service, a coordinator query that
// goes through Temporal, the REST gateway and the dashboard page; with the demo, the last demo
// journey discharged and delivered.
func (d *devstack) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var tlsConf *tls.Config
	scheme := "http://"
	if !d.insecure {
		var err error
		if tlsConf, err = d.probeTLS(); err != nil {
			return err // the CA is made at start
		}
		scheme = "https://"
	}
	for _, addr := range []string{d.addr.governance, d.addr.finance, d.addr.dashboard, d.addr.coordinator} {
		if err := healthy(ctx, addr, tlsConf); err != nil {
			return err
		}
	}
	urls := []string{scheme + d.addr.coordinatorHTTP + "/openapi.json", scheme + d.addr.dashboardHTTP + "/healthz"}
	if !d.insecure {
		urls = append(urls, d.issuer()+"/.well-known/openid-configuration")
	}
	for _, url := range urls {
		if err := httpOK(ctx, url, tlsConf); err != nil {
			return err
		}
	}
	if !strings.Contains(d.out.String(), upLine) {
		return fmt.Errorf("no %q line yet", upLine)
	}
	return d.probeJourneys(ctx, tlsConf)
}

// probeTLS trusts the devstack's CA.
func (d *devstack) probeTLS() (*tls.Config, error) {
	pem, err := os.ReadFile(d.caFile())
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no certificate", d.caFile())
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// probeJourneys asks the coordinator, as the demo coordinator (a token from the provider), for
// a journey.
func (d *devstack) probeJourneys(ctx context.Context, tlsConf *tls.Config) error {
	creds := insecure.NewCredentials()
	if d.insecure {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-actor", "e2e-probe", "x-roles", "coordinator", "x-orgs", "U90001,U90002")
	} else {
		tok, err := fetchToken(ctx, d.issuer(), lastDemoJourneyCoordinator, tlsConf)
		if err != nil {
			return err
		}
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
		creds = credentials.NewTLS(tlsConf)
	}
	conn, err := grpc.NewClient(d.addr.coordinator, grpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	c := coordinatorv1.NewCoordinatorServiceClient(conn)
	if !d.demo {
		_, err := c.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: "ref-E2E-NO-SUCH-REFERRAL"})
		if status.Code(err) != codes.NotFound {
			return fmt.Errorf("GetJourney of an unknown journey: want NotFound, got %w", err)
		}
		return nil
	}
	got, err := c.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: lastDemoJourney})
	if err != nil {
		return fmt.Errorf("demo journey %s: %w", lastDemoJourney, err)
	}
	if j := got.GetJourney(); j.GetStage() != "discharged" || j.GetPendingPushes() != 0 {
		return fmt.Errorf("demo journey %s: stage %s, %d pending pushes", lastDemoJourney, j.GetStage(), j.GetPendingPushes())
	}
	return nil
}

// healthy asks addr's gRPC health service (over TLS trusting tlsConf's CA; plaintext when nil).
func healthy(ctx context.Context, addr string, tlsConf *tls.Config) error {
	creds := insecure.NewCredentials()
	if tlsConf != nil {
		creds = credentials.NewTLS(tlsConf)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return fmt.Errorf("health of %s: %w", addr, err)
	}
	if h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("health of %s: %s", addr, h.GetStatus())
	}
	return nil
}

func httpOK(ctx context.Context, url string, tlsConf *tls.Config) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf // nil: plain HTTP or the system roots
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// stop sends SIGTERM and waits for a clean exit (status 0, the stop line printed).
func (d *devstack) stop() error {
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-d.exited:
	case <-time.After(stopWithin):
		_ = d.kill()
		return fmt.Errorf("devstack still running %s after SIGTERM\n%s", stopWithin, d.out.String())
	}
	if d.waitErr != nil {
		return fmt.Errorf("devstack exit after SIGTERM: %w\n%s", d.waitErr, d.out.String())
	}
	if !strings.Contains(d.out.String(), "devstack: stopping") {
		return fmt.Errorf("devstack exited without its stop line\n%s", d.out.String())
	}
	return nil
}

// start starts the child and waits for it in the background: exited closes when it has ended,
// with waitErr saying how.
func (d *devstack) start() error {
	if err := d.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", d.cmd.Path, err)
	}
	go func() { d.waitErr = d.cmd.Wait(); close(d.exited) }()
	return nil
}

// kill ends the child with SIGKILL and waits for it. A child that had already exited on its own
// (a crash, or any exit our signal did not cause) is an error naming how it ended, so a test that
// kills the stack on purpose cannot mistake a crash for its own kill.
func (d *devstack) kill() error {
	select {
	case <-d.exited:
		return fmt.Errorf("devstack had exited on its own before the kill: %w\n%s", exitOf(d.waitErr), d.out.String())
	default:
	}
	_ = d.cmd.Process.Kill() // fails only if the child has just exited; waitErr then says how
	<-d.exited
	if !killedBySIGKILL(d.waitErr) {
		return fmt.Errorf("devstack exited on its own, not by our SIGKILL: %w\n%s", exitOf(d.waitErr), d.out.String())
	}
	return nil
}

// killedBySIGKILL reports whether a child's wait error says SIGKILL ended it.
func killedBySIGKILL(waitErr error) bool {
	var exit *exec.ExitError
	if !errors.As(waitErr, &exit) {
		return false
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// exitOf is a child's wait error, or one saying it exited with status 0.
func exitOf(waitErr error) error {
	if waitErr == nil {
		return errors.New("exit status 0")
	}
	return waitErr
}

// startForTest starts a devstack the test stops; a devstack the test left running is stopped
// (and must stop cleanly) when it ends.
func startForTest(t *testing.T, dataDir string, demo bool, extra ...string) *devstack {
	t.Helper()
	d, err := startDevstack(dataDir, demo, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("devstack on %s ready in %s", dataDir, d.readyIn.Round(time.Millisecond))
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			if err := d.stop(); err != nil {
				t.Error(err)
			}
		}
	})
	return d
}

var shared struct {
	once sync.Once
	d    *devstack
	dir  string
	err  error
}

// sharedStack is one devstack with the demo population, shared by the tests of this binary and
// stopped by TestMain.
func sharedStack(t *testing.T) *devstack {
	t.Helper()
	requireFull(t)
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "pathways-e2e-") //nolint:usetesting // shared by every test of the binary, removed by TestMain
		if shared.err == nil {
			shared.d, shared.err = startDevstack(shared.dir, true)
		}
		if shared.err != nil && shared.dir != "" {
			_ = os.RemoveAll(shared.dir)
		}
	})
	if shared.err != nil {
		t.Fatalf("shared devstack: %v", shared.err)
	}
	t.Logf("shared devstack (demo) ready in %s", shared.d.readyIn.Round(time.Millisecond))
	return shared.d
}

// stopShared stops the shared devstack, if one started, and removes its data.
func stopShared() error {
	if shared.d == nil {
		return nil
	}
	err := shared.d.stop()
	return errors.Join(err, os.RemoveAll(shared.dir))
}

// TestKillReportsAChildThatEndedOnItsOwn checks kill on stand-in children (no devstack): a
// running child ends by our SIGKILL without error; a child that had already exited, whatever its
// status, or that died of another signal, is reported.
func TestKillReportsAChildThatEndedOnItsOwn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, script string
		exitFirst    bool
		wantErr      string
	}{
		{name: "running child ends by our SIGKILL", script: "exec sleep 600"},
		{name: "crashed with a status", script: "exit 3", exitFirst: true, wantErr: "exit status 3"},
		{name: "exited with status 0", script: "exit 0", exitFirst: true, wantErr: "exit status 0"},
		{name: "died of another signal", script: "kill -TERM $$", exitFirst: true, wantErr: "signal: terminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := &devstack{out: &syncBuffer{}, exited: make(chan struct{}),
				cmd: exec.CommandContext(context.Background(), "sh", "-c", tc.script)}
			require.NoError(t, d.start())
			if tc.exitFirst {
				<-d.exited
			}
			err := d.kill()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "exited on its own")
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
