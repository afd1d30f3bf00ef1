// Package embedded runs the event store inside another process, for tests
// and the devstack: the same server as the eventstore binary, reachable
// with the official client at URL().
//
// By default (Options.Security nil) it runs insecure, as the binary's
// -insecure does: plaintext, no authentication, anonymous callers may do
// everything. With Options.Security it runs as KurrentDB does by default:
// TLS, and every call authenticated (users admin and ops, plus Security.Users)
// and authorised by stream ACLs.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/certgen"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/server"
)

// Options configures an embedded server.
type Options struct {
	// DataDir is the durable data directory; required unless InMemory.
	DataDir string
	// InMemory keeps all data in memory; nothing survives Close.
	InMemory bool
	// Listen is the gRPC address; default "127.0.0.1:0" (a free port).
	Listen string
	// Security turns on TLS and authentication; nil runs insecure.
	Security *Security
	// ScavengeInterval scavenges on a timer, as the binary's -scavenge-interval; 0 (the
	// default here) never does: call Server.Scavenge.
	ScavengeInterval time.Duration
	// Clock is the store's clock (event creation times, $maxAge of reads and scavenges); nil
	// means time.Now. For tests of retention.
	Clock func() time.Time
}

// Security is the secure mode's settings. The zero value is usable: the server makes its own
// certificate authority and node certificate, and admin and ops have KurrentDB's default
// password, changeit.
type Security struct {
	// CertFile and KeyFile are the node's TLS key pair (PEM), for 127.0.0.1 or whatever host
	// the clients dial. When both are empty the server writes a fresh CA and a node certificate
	// for localhost, 127.0.0.1 and ::1 to a temporary directory (removed by Close): see CAFile.
	CertFile, KeyFile string
	// CAFile is the PEM CA that signed CertFile, given to clients in URL's tlsCAFile, and
	// trusted to sign user certificates (client certificates whose common name is a user).
	// Required with CertFile; ignored when the server makes its own.
	CAFile string
	// AdminPassword and OpsPassword are the built-in users' passwords; default changeit.
	AdminPassword, OpsPassword string
	// Users are further users.
	Users []User
}

// User is a user of the secure mode. It holds, besides Groups, a role equal to its Name, which
// stream ACLs may name.
type User struct {
	Name     string
	Password string
	Groups   []string // e.g. "$ops", or groups named in stream ACLs
}

// Server is a running embedded event store. It is safe for concurrent use.
type Server struct {
	srv      *server.Server
	caFile   string
	adminPW  string
	certsDir string // made by Start, removed by Close
}

// Start opens the store and starts serving gRPC.
func Start(ctx context.Context, opts Options) (*Server, error) {
	cfg := config.Config{Listen: opts.Listen, DataDir: opts.DataDir, InMemory: opts.InMemory, Insecure: opts.Security == nil,
		ScavengeInterval: opts.ScavengeInterval, Clock: opts.Clock}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.InMemory {
		cfg.DataDir = ""
	}
	s := &Server{}
	if opts.Security != nil {
		if err := s.secure(&cfg, *opts.Security); err != nil {
			return nil, fmt.Errorf("start embedded event store: %w", err)
		}
	}
	srv, err := server.Start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		s.removeCerts()
		return nil, fmt.Errorf("start embedded event store: %w", err)
	}
	s.srv = srv
	return s, nil
}

// secure fills cfg's TLS and users from sec, making certificates when none are given.
func (s *Server) secure(cfg *config.Config, sec Security) error {
	cfg.AdminPassword, cfg.OpsPassword = orDefault(sec.AdminPassword), orDefault(sec.OpsPassword)
	s.adminPW = cfg.AdminPassword
	for _, u := range sec.Users {
		cfg.Users = append(cfg.Users, auth.User{Name: u.Name, Password: u.Password, Groups: u.Groups})
	}
	switch {
	case sec.CertFile != "" || sec.KeyFile != "":
		if sec.CertFile == "" || sec.KeyFile == "" || sec.CAFile == "" {
			return errors.New("security: CertFile, KeyFile and CAFile go together (or leave all three empty)")
		}
		cfg.TLSCert, cfg.TLSKey, cfg.TLSCAFile = sec.CertFile, sec.KeyFile, sec.CAFile
	default:
		if err := s.makeCerts(cfg); err != nil {
			return err
		}
	}
	s.caFile = cfg.TLSCAFile
	return nil
}

// certificateLifetime is how long a made certificate is valid; a server that runs longer
// needs certificates of its own.
const certificateLifetime = 365 * 24 * time.Hour

func (s *Server) makeCerts(cfg *config.Config) error {
	dir, err := os.MkdirTemp("", "eventstore-certs-")
	if err != nil {
		return fmt.Errorf("certificates directory: %w", err)
	}
	s.certsDir = dir
	ca, err := certgen.NewAuthority("pathways embedded event store CA", certificateLifetime)
	if err != nil {
		return err
	}
	if cfg.TLSCAFile, _, err = ca.Write(filepath.Join(dir, "ca"), "ca"); err != nil {
		return err
	}
	node, err := ca.Node("eventstore-node")
	if err != nil {
		return err
	}
	cfg.TLSCert, cfg.TLSKey, err = node.Write(filepath.Join(dir, "node"), "node")
	return err
}

func orDefault(password string) string {
	if password == "" {
		return auth.DefaultPassword
	}
	return password
}

// URL is the connection string for the official client: insecure,
// "esdb://127.0.0.1:<port>?tls=false"; secure, as the admin user over TLS
// trusting CAFile ("esdb://admin:<password>@127.0.0.1:<port>?tls=true&tlsCAFile=<path>").
func (s *Server) URL() string {
	if !s.Secure() {
		return fmt.Sprintf("esdb://%s?tls=false", s.srv.Addr())
	}
	return s.URLFor(auth.AdminUser, s.adminPW)
}

// URLFor is the secure connection string as user with password (plaintext URL when insecure,
// where credentials are neither sent by the client nor checked).
func (s *Server) URLFor(user, password string) string {
	if !s.Secure() {
		return s.URL()
	}
	return fmt.Sprintf("esdb://%s@%s?tls=true&tlsCAFile=%s",
		url.UserPassword(user, password).String(), s.srv.Addr(), url.QueryEscape(s.caFile))
}

// Secure reports whether the server speaks TLS and checks every call.
func (s *Server) Secure() bool { return s.srv.TLS() }

// CAFile is the PEM file of the CA clients must trust (empty when insecure).
func (s *Server) CAFile() string { return s.caFile }

// Addr is the gRPC address, host:port.
func (s *Server) Addr() string { return s.srv.Addr() }

// ScavengeResult is what a scavenge removed.
type ScavengeResult struct {
	// EventsRemoved is the number of events removed from the disk.
	EventsRemoved int64
	// RecordBytesRemoved is the stored size of those events.
	RecordBytesRemoved int64
	// DiskBytesBefore and DiskBytesAfter are the size of the store's files before and after.
	DiskBytesBefore, DiskBytesAfter uint64
}

// Scavenge removes from the disk, now, every event no reader can read any more: the events of
// deleted and tombstoned streams, those before a stream's $tb, beyond its $maxCount or older
// than its $maxAge, and superseded stream metadata. It returns once their bytes have left the
// store's files (see the README's Scavenging).
func (s *Server) Scavenge(ctx context.Context) (ScavengeResult, error) {
	res, err := s.srv.Scavenge(ctx)
	return ScavengeResult{EventsRemoved: res.EventsRemoved, RecordBytesRemoved: res.RecordBytesRemoved,
		DiskBytesBefore: res.DiskBytesBefore, DiskBytesAfter: res.DiskBytesAfter}, err
}

// Close stops subscriptions, finishes in-flight calls, stops a running scavenge, flushes and
// closes the store, and removes the certificates it made.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.removeCerts()
	return err
}

func (s *Server) removeCerts() {
	if s.certsDir != "" {
		_ = os.RemoveAll(s.certsDir)
	}
}
