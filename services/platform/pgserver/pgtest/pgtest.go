// Package pgtest gives a test package one PostgreSQL server (pgserver), started at first use and
// stopped by Main, and each test a new empty database on it. Without PostgreSQL installed the
// tests are skipped, except under CI (CI set), where they fail: `make test` installs it.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/pgserver"
)

var (
	once   sync.Once
	server *pgserver.Server
	errSrv error
	n      atomic.Int64
)

// Main runs a package's tests (from its TestMain) and stops the shared server afterwards. It
// returns the exit code.
func Main(m *testing.M) int {
	code := m.Run()
	if server != nil {
		_ = server.Remove()
	}
	return code
}

// Server returns the package's shared server, starting it at first use.
func Server(t testing.TB) *pgserver.Server {
	t.Helper()
	once.Do(func() {
		server, errSrv = pgserver.New(context.Background(), pgserver.Options{})
	})
	if errors.Is(errSrv, pgserver.ErrNotInstalled) && os.Getenv("CI") == "" { //nolint:forbidigo // CI says whether a missing PostgreSQL is a failure
		t.Skip(errSrv)
	}
	if errSrv != nil {
		t.Fatal(errSrv)
	}
	return server
}

// Database creates a new, empty database on the shared server and returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	s := Server(t)
	name := fmt.Sprintf("t%d_%s", n.Add(1), sanitize(t.Name()))
	if len(name) > 60 {
		name = name[:60]
	}
	if err := s.CreateDatabase(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	return s.URL(name)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, s)
}
