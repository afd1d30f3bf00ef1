package patientkeys

import (
	"embed"
	"io/fs"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// The vault's schema, versioned: one goose migration file per version and engine. A new version
// adds a file to both directories (same number); version 1 of SQLite adopts the schema of the
// releases before migrations.
//
//go:embed migrations
var migrations embed.FS

// schemaTable records the vault's applied schema versions.
const schemaTable = "patientkeys_schema_version"

// schema returns the vault's migrations for engine.
func schema(engine migrate.Engine) migrate.Set {
	sub, err := fs.Sub(migrations, "migrations/"+string(engine))
	if err != nil { // the directories are embedded: cannot happen
		sub = migrations
	}
	return migrate.Set{Engine: engine, FS: sub, Table: schemaTable}
}
