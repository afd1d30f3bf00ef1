package server_test

import (
	"os"
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

// TestMain shares one PostgreSQL server (started by the first test that needs one) among the
// package's tests.
func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}
