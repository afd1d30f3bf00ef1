package prodshape

import (
	"context"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/pgserver"
)

// Databases are the databases the shape makes on its PostgreSQL.
var Databases = []string{"temporal", "temporal_visibility", "finance", "dashboard", "vault"}

// postgres is the shape's PostgreSQL server as a Victim.
type postgres struct {
	srv *pgserver.Server
}

func (p *postgres) Name() string { return "postgres" }
func (p *postgres) Kind() string { return "postgres" }

func (p *postgres) Kill() error {
	if err := p.srv.Kill(); err != nil {
		return fmt.Errorf("kill postgres: %w", err)
	}
	return nil
}

// Restart starts the server (its crash recovery included) and runs a query in the finance
// database.
func (p *postgres) Restart(ctx context.Context) (time.Duration, error) {
	started := time.Now()
	if err := p.srv.Start(ctx); err != nil {
		return 0, fmt.Errorf("restart postgres: %w", err)
	}
	if err := p.srv.Exec(ctx, "finance", "SELECT 1"); err != nil {
		return 0, fmt.Errorf("postgres probe: %w", err)
	}
	return time.Since(started), nil
}
