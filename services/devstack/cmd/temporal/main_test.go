package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}

const (
	namespace = "journeys"
	taskQueue = "kill-test"
	proceed   = "proceed"
)

// stepThenTimerThenSignal runs an activity, waits out a timer and a signal, and runs the
// activity again.
func stepThenTimerThenSignal(ctx workflow.Context) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var first, second string
	if err := workflow.ExecuteActivity(ctx, step, "first").Get(ctx, &first); err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, 2*time.Second); err != nil {
		return "", err
	}
	var sent string
	workflow.GetSignalChannel(ctx, proceed).Receive(ctx, &sent)
	if err := workflow.ExecuteActivity(ctx, step, "second").Get(ctx, &second); err != nil {
		return "", err
	}
	return first + ", " + sent + ", " + second, nil
}

func step(_ context.Context, name string) (string, error) { return name + " step", nil }

// server is the binary running as a child process.
type server struct {
	bin  string
	args []string
	cmd  *exec.Cmd
	gone chan struct{} // closed when cmd has exited
	log  *os.File
}

func (s *server) start(t *testing.T) time.Duration {
	t.Helper()
	began := time.Now()
	s.cmd = exec.CommandContext(t.Context(), s.bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, s.cmd.Start())
	cmd, gone := s.cmd, make(chan struct{})
	s.gone = gone
	go func() { _ = cmd.Wait(); close(gone) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-gone })
	return time.Since(began)
}

func (s *server) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	select {
	case <-s.gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the killed server did not exit")
	}
}

// buildBinary builds this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "temporal")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitReady dials the frontend as a worker would, over mutual TLS, until the namespace answers;
// it returns how long that took. It fails the test, showing the server's log, if the server
// exits or does not answer within 50s.
func (s *server) waitReady(t *testing.T, addr string, tlsCfg *tls.Config) time.Duration {
	t.Helper()
	began := time.Now()
	deadline := time.After(50 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for describe(t, addr, tlsCfg) != nil {
		select {
		case <-s.gone:
			log, _ := os.ReadFile(s.log.Name())
			t.Fatalf("the server exited while starting:\n%s", log)
		case <-deadline:
			log, _ := os.ReadFile(s.log.Name())
			t.Fatalf("the server did not answer within 50s:\n%s", log)
		case <-tick.C:
		}
	}
	return time.Since(began)
}

func describe(t *testing.T, addr string, tlsCfg *tls.Config) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: namespace, Logger: quiet{},
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg}})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	return err
}

func workerTLS(t *testing.T, ca *devca.Bundle) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(ca.CAFile)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(pem))
	cert, err := tls.LoadX509KeyPair(ca.Cert("worker"), ca.Key("worker"))
	require.NoError(t, err)
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{cert}}
}

func TestBinaryOnPostgresSurvivesSIGKILL(t *testing.T) {
	ca := devcatest.New(t, "temporal", "worker")
	addr := freeAddr(t)
	log, err := os.Create(filepath.Join(t.TempDir(), "temporal.log"))
	require.NoError(t, err)
	s := &server{bin: buildBinary(t), log: log, args: []string{"-listen", addr, "-namespace", namespace,
		"-persistence-db-url", pgtest.Database(t), "-visibility-db-url", pgtest.Database(t),
		"-tls-cert", ca.Cert("temporal"), "-tls-key", ca.Key("temporal"), "-tls-ca", ca.CAFile,
		"-tls-client-ca", ca.CAFile, "-tls-require-client-cert",
		"-tls-client-cert", ca.Cert("temporal"), "-tls-client-key", ca.Key("temporal")}}
	tlsCfg := workerTLS(t, ca)
	s.start(t)
	t.Logf("first start (schemas created): ready in %s", s.waitReady(t, addr, tlsCfg))

	c, err := client.Dial(client.Options{HostPort: addr, Namespace: namespace, Logger: quiet{},
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg}})
	require.NoError(t, err)
	defer c.Close()
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(stepThenTimerThenSignal)
	w.RegisterActivity(step)
	require.NoError(t, w.Start())
	defer w.Stop()
	run, err := c.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: "kill-1", TaskQueue: taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyKeyword("PathwayId").ValueSet("copd"))},
		stepThenTimerThenSignal)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return countEvents(t, c, run)[enumspb.EVENT_TYPE_TIMER_STARTED] == 1 },
		20*time.Second, 50*time.Millisecond, "the workflow did not reach its timer")

	s.kill(t)
	s.start(t)
	t.Logf("restart after SIGKILL: ready in %s", s.waitReady(t, addr, tlsCfg))

	require.NoError(t, c.SignalWorkflow(t.Context(), run.GetID(), run.GetRunID(), proceed, "signalled"))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var result string
	require.NoError(t, run.Get(ctx, &result))
	require.Equal(t, "first step, signalled, second step", result)
	require.Equal(t, map[enumspb.EventType]int{
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:   1,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:      2,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:        2,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:      2,
		enumspb.EVENT_TYPE_TIMER_STARTED:                1,
		enumspb.EVENT_TYPE_TIMER_FIRED:                  1,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:  1,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: 1,
	}, withoutWorkflowTasks(countEvents(t, c, run)), "each step of the workflow once in its history")
}

// countEvents counts the workflow's history events by type, failing the test if the event IDs
// are not 1, 2, 3, ... (a duplicated or lost event).
func countEvents(t *testing.T, c client.Client, run client.WorkflowRun) map[enumspb.EventType]int {
	t.Helper()
	counts := map[enumspb.EventType]int{}
	it := c.GetWorkflowHistory(t.Context(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for want := int64(1); it.HasNext(); want++ {
		e, err := it.Next()
		require.NoError(t, err)
		require.Equal(t, want, e.GetEventId(), "event IDs run 1, 2, 3, ...")
		counts[e.GetEventType()]++
	}
	return counts
}

// withoutWorkflowTasks drops the workflow task events, which a restart may add (a task that
// timed out on the killed server is scheduled again).
func withoutWorkflowTasks(counts map[enumspb.EventType]int) map[enumspb.EventType]int {
	for _, e := range []enumspb.EventType{enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED} {
		delete(counts, e)
	}
	return counts
}

// quiet drops the SDK's logs.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
