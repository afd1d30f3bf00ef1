package patientkeys_test

import (
	"os"
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

// TestMain stops the PostgreSQL server the PostgreSQL tests share (pgtest) once they have run.
func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}
