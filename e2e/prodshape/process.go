package prodshape

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Victim is a process the chaos loop may kill: a service binary or PostgreSQL.
type Victim interface {
	// Name is unique in the shape, e.g. "finance-2".
	Name() string
	// Kind is what the process is, e.g. "finance": recovery times are reported per kind.
	Kind() string
	// Kill sends SIGKILL and waits until the process is gone.
	Kill() error
	// Restart starts the killed process again on the same ports and data, and returns how long
	// it took until its health answered and a probe request through it succeeded.
	Restart(ctx context.Context) (time.Duration, error)
}

// startMarker begins the lines the harness writes into a log at each start.
const startMarker = "---- prodshape: start "

// readyWithin bounds one start, until health and probe answer.
const readyWithin = 3 * time.Minute

// Process is one service binary run as a child process. Safe for concurrent use.
type Process struct {
	name, kind string
	bin        string
	args       []string
	env        []string
	logPath    string
	// addr and httpAddr are its gRPC and HTTP addresses, kept across restarts.
	addr, httpAddr string
	// health is the process's own health check (gRPC health, or /metrics for the worker).
	health func(ctx context.Context) error
	// probe is a request through the process that must succeed once it is back ("" kinds: none).
	probe func(ctx context.Context) error

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

// Name implements Victim.
func (p *Process) Name() string { return p.name }

// Kind implements Victim.
func (p *Process) Kind() string { return p.kind }

// LogPath is the file the process's output is appended to (every start).
func (p *Process) LogPath() string { return p.logPath }

// start launches the binary, its output appended to its log file.
func (p *Process) start(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("%s is already running", p.name)
	}
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log of %s: %w", p.name, err)
	}
	p.starts++
	_, _ = fmt.Fprintf(log, startMarker+"%d of %s at %s\n", p.starts, p.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.CommandContext(context.Background(), p.bin, p.args...) //nolint:gosec,contextcheck // the binaries Build made; a process outlives the call that starts it (Kill stops it)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = log, log
	// A test binary that dies takes its processes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(exited)
	}()
	p.cmd, p.exited = cmd, exited
	return nil
}

// Start launches the process and waits until it is ready.
func (p *Process) Start(ctx context.Context) error {
	if err := p.start(ctx); err != nil {
		return err
	}
	return p.waitReady(ctx)
}

// waitReady polls health, then the probe, until both succeed, the process exits or
// readyWithin passes.
func (p *Process) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyWithin)
	defer cancel()
	p.mu.Lock()
	exited := p.exited
	p.mu.Unlock()
	var last error
	for {
		last = p.ready(ctx)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited before it was ready (log %s): %w", p.name, p.logPath, last)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready (log %s): %w", p.name, p.logPath, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (p *Process) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := p.health(ctx); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	if p.probe != nil {
		if err := p.probe(ctx); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
	}
	return nil
}

// Kill implements Victim.
func (p *Process) Kill() error { return p.signal(syscall.SIGKILL, time.Minute) }

// Stop sends SIGTERM and waits for the exit.
func (p *Process) Stop() error { return p.signal(syscall.SIGTERM, time.Minute) }

func (p *Process) signal(sig syscall.Signal, within time.Duration) error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s to %s: %w", sig, p.name, err)
	}
	select {
	case <-exited:
	case <-time.After(within):
		_ = cmd.Process.Kill()
		<-exited
	}
	p.mu.Lock()
	p.cmd = nil
	p.mu.Unlock()
	return nil
}

// Restart implements Victim.
func (p *Process) Restart(ctx context.Context) (time.Duration, error) {
	started := time.Now()
	if err := p.Start(ctx); err != nil {
		return 0, err
	}
	return time.Since(started), nil
}

// Addr is the process's gRPC address ("" for the worker).
func (p *Process) Addr() string { return p.addr }

// HTTPAddr is its HTTP address (REST, web page or /metrics; "" when it has none).
func (p *Process) HTTPAddr() string { return p.httpAddr }

// WaitLog waits until the process's output since its last start holds line (e.g. a message a
// service logs once it finished something), or ctx ends.
func (p *Process) WaitLog(ctx context.Context, line string) error {
	for {
		b, err := os.ReadFile(p.logPath)
		if err != nil {
			return fmt.Errorf("log of %s: %w", p.name, err)
		}
		since := b[bytes.LastIndex(b, []byte(startMarker)):]
		if bytes.Contains(since, []byte(line)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never logged %q: %w", p.name, line, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
