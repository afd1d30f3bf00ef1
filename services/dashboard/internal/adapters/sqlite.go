package adapters

import (
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// openSQLite opens the SQLite file at path (WAL, synchronous=FULL, secure_delete). SQLite
// serialises writers, so the SQLite store needs no locks of its own.
func openSQLite(path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(ON)") // a purge zeroes the rows it deletes
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open read model %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	return &Store{db: db, engine: migrate.SQLite}, nil
}
