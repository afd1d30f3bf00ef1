package adapters

import (
	"embed"
	"io/fs"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// The ledger's schema, versioned: one goose migration file per version and engine. A new version
// adds a file to both directories (same number), and the upgrade test opens a ledger of the
// version before.
//
//go:embed migrations
var migrations embed.FS

// SchemaTable records the ledger's applied schema versions.
const SchemaTable = "finance_schema_version"

// Schema returns the ledger's migrations for engine.
func Schema(engine migrate.Engine) migrate.Set {
	sub, err := fs.Sub(migrations, "migrations/"+string(engine))
	if err != nil { // the directories are embedded: cannot happen
		sub = migrations
	}
	return migrate.Set{Engine: engine, FS: sub, Table: SchemaTable}
}
