// Package pgserver runs a PostgreSQL server from the machine's own binaries (Debian's
// postgresql package) as a child process: the tests of the PostgreSQL stores, and the
// production-shape test that kills and restarts PostgreSQL under load, start their own server
// with it. It is not how production runs PostgreSQL (deploy/ does that); it is how a test gets a
// real one without a container engine.
//
// PostgreSQL refuses to run as root. When this process is root, the server runs as the
// "postgres" user and its data directory is owned by that user, so the directory's parents must
// be reachable by it (os.TempDir is; a test's t.TempDir is not: use New with Options.Dir "").
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// User is the superuser initdb creates; connections authenticate by trust on loopback only.
const User = "pathways"

// ErrNotInstalled is returned when no PostgreSQL server binaries are found.
var ErrNotInstalled = errors.New("pgserver: PostgreSQL server binaries not found (install Debian's postgresql package, or set PATHWAYS_PG_BIN to the directory holding initdb and postgres)")

// Options configure a server.
type Options struct {
	// Dir is the data directory: initialised when empty or missing, reused otherwise. "" makes
	// a new one under os.TempDir, removed by Remove.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one (kept across restarts).
	Port int
	// Durable keeps fsync on. Without it a commit still writes its WAL to the kernel before it
	// is acknowledged (synchronous_commit stays on), so a killed server loses nothing
	// acknowledged; only a machine crash could.
	Durable bool
	// Log receives the server's output; nil discards it.
	Log io.Writer
	// Settings are extra "name=value" server settings (postgres -c).
	Settings []string
}

// Server is a running (or stopped) PostgreSQL server.
type Server struct {
	opts    Options
	bin     string
	tempDir bool
	cred    *syscall.Credential

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Bin returns the directory holding initdb and postgres: $PATHWAYS_PG_BIN, else the newest
// /usr/lib/postgresql/<version>/bin, else the directory of initdb on $PATH.
func Bin() (string, error) {
	if d := os.Getenv("PATHWAYS_PG_BIN"); d != "" { //nolint:forbidigo // a test harness, not a service: where the machine keeps its PostgreSQL
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// New initialises (when needed) and starts a server; it is ready for connections on return.
func New(ctx context.Context, opts Options) (*Server, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, bin: bin}
	if os.Geteuid() == 0 {
		if s.cred, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	if s.opts.Dir == "" {
		d, err := os.MkdirTemp("", "pathways-pg-")
		if err != nil {
			return nil, fmt.Errorf("pgserver: data directory: %w", err)
		}
		s.opts.Dir, s.tempDir = d, true
	}
	if err := s.init(ctx); err != nil {
		s.removeTemp()
		return nil, err
	}
	if s.opts.Port == 0 {
		if s.opts.Port, err = freePort(); err != nil {
			s.removeTemp()
			return nil, err
		}
	}
	if err := s.Start(ctx); err != nil {
		s.removeTemp()
		return nil, err
	}
	return s, nil
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgserver: running as root needs the postgres user (Debian's postgresql package makes it): %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgserver: postgres uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgserver: postgres gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// init runs initdb when the data directory holds no cluster.
func (s *Server) init(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(s.opts.Dir, "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return fmt.Errorf("pgserver: data directory: %w", err)
	}
	if s.cred != nil {
		if err := os.Chown(s.opts.Dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return fmt.Errorf("pgserver: data directory: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "initdb"), //nolint:gosec // G204: the server binary found by Bin, fixed arguments
		"-D", s.opts.Dir, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgserver: initdb %s: %w\n%s", s.opts.Dir, err, out.String())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts a stopped (or killed) server and waits until it accepts connections; after a
// kill, that includes its crash recovery.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return errors.New("pgserver: already running")
	}
	args := []string{"-D", s.opts.Dir, "-p", strconv.Itoa(s.opts.Port), "-k", s.opts.Dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "shared_buffers=64MB"}
	if !s.opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	for _, kv := range s.opts.Settings {
		args = append(args, "-c", kv)
	}
	// The server outlives ctx (it runs until Kill or Stop).
	cmd := exec.CommandContext(context.WithoutCancel(ctx), filepath.Join(s.bin, "postgres"), args...) //nolint:gosec // G204: the server binary found by Bin
	// The server dies with us: a test that fails hard leaves no server behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	log := s.opts.Log
	if log == nil {
		log = io.Discard
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("pgserver: start postgres: %w", err)
	}
	done := make(chan struct{})
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	return s.waitReady(ctx, done)
}

// waitReady polls until the server answers a connection attempt (pg_isready), or it exits.
func (s *Server) waitReady(ctx context.Context, done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "pg_isready"), //nolint:gosec // G204: the binary found by Bin
			"-h", "127.0.0.1", "-p", strconv.Itoa(s.opts.Port), "-U", User, "-d", "postgres", "-q")
		if cmd.Run() == nil {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("pgserver: postgres exited while starting (data directory %s)", s.opts.Dir)
		case <-ctx.Done():
			return fmt.Errorf("pgserver: postgres not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Kill stops the server with SIGKILL, as a crash would, its backends included, and waits for
// it to be gone.
func (s *Server) Kill() error { return s.stop(syscall.SIGKILL) }

// Stop shuts the server down cleanly (fast shutdown: SIGINT) and waits for it.
func (s *Server) Stop() error { return s.stop(syscall.SIGINT) }

func (s *Server) stop(sig syscall.Signal) error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if sig == syscall.SIGKILL {
		// The whole process group: backends would otherwise linger until they notice.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	} else {
		_ = cmd.Process.Signal(sig)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	// A killed postmaster leaves its pid file behind; the next Start finds it stale and
	// recovers from the WAL.
	return nil
}

// Remove stops the server and deletes a data directory New made.
func (s *Server) Remove() error {
	err := s.Stop()
	s.removeTemp()
	return err
}

func (s *Server) removeTemp() {
	if s.tempDir {
		_ = os.RemoveAll(s.opts.Dir)
	}
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.opts.Port }

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.opts.Dir }

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.opts.Port)) }

// URL is the connection URL of database db (libpq / pgx form).
func (s *Server) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(User), Host: s.Addr(), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// CreateDatabase creates database name (letters, digits and underscores only).
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	return s.psql(ctx, "postgres", "CREATE DATABASE "+quoteIdent(name))
}

// Exec runs SQL statements in database db through psql (test set-up and fault injection).
func (s *Server) Exec(ctx context.Context, db, sql string) error { return s.psql(ctx, db, sql) }

func (s *Server) psql(ctx context.Context, db, sql string) error {
	psql := filepath.Join(s.bin, "psql")
	if _, err := os.Stat(psql); err != nil {
		psql = "psql"
	}
	cmd := exec.CommandContext(ctx, psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", //nolint:gosec // G204: psql with the caller's SQL on a test server
		"-h", "127.0.0.1", "-p", strconv.Itoa(s.opts.Port), "-U", User, "-d", db, "-c", sql)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgserver: psql %s: %w: %s", db, err, strings.TrimSpace(out.String()))
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
