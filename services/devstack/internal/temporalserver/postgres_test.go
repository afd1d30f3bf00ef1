package temporalserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	pgschema "go.temporal.io/server/schema/postgresql/v12"

	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}

const (
	testTaskQueue = "restart-test"
	proceedSignal = "proceed"
)

var attrPathway = temporal.NewSearchAttributeKeyKeyword("PathwayId")

// timerThenSignal waits out a timer, then for a signal, and returns what it was sent.
func timerThenSignal(ctx workflow.Context, wait time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, wait); err != nil {
		return "", err
	}
	var got string
	workflow.GetSignalChannel(ctx, proceedSignal).Receive(ctx, &got)
	return "proceeded: " + got, nil
}

func postgresOptions(t *testing.T) Options {
	t.Helper()
	return Options{Namespace: testNamespace, LogFile: filepath.Join(t.TempDir(), LogFile),
		SearchAttributes: map[string]enumspb.IndexedValueType{attrPathway.GetName(): attrPathway.GetValueType()},
		Postgres:         &PostgresOptions{PersistenceURL: pgtest.Database(t), VisibilityURL: pgtest.Database(t)}}
}

// startWorker connects a client and a worker running timerThenSignal to the server at addr.
func startWorker(t *testing.T, addr string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: testNamespace, Logger: quietLogger{}})
	require.NoError(t, err)
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(timerThenSignal)
	require.NoError(t, w.Start())
	t.Cleanup(func() { w.Stop(); c.Close() })
	return c
}

func TestPostgresKeepsAWorkflowAcrossARestart(t *testing.T) {
	o := postgresOptions(t)
	s, err := Start(t.Context(), o)
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = s.Stop()
		}
	})
	c := startWorker(t, s.FrontendAddr())
	run, err := c.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: "restart-1", TaskQueue: testTaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(attrPathway.ValueSet("msk"))}, timerThenSignal, 2*time.Second)
	require.NoError(t, err)
	waitForEvent(t, c, run, enumspb.EVENT_TYPE_TIMER_STARTED)
	c.Close()
	require.NoError(t, s.Stop())
	stopped = true

	s, err = Start(t.Context(), o)
	require.NoError(t, err, "a second start on the same databases")
	t.Cleanup(func() { _ = s.Stop() })
	c = startWorker(t, s.FrontendAddr())
	require.NoError(t, c.SignalWorkflow(t.Context(), run.GetID(), "", proceedSignal, "after the restart"))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var result string
	require.NoError(t, c.GetWorkflow(ctx, run.GetID(), "").Get(ctx, &result))
	require.Equal(t, "proceeded: after the restart", result)

	t.Run("SQL visibility finds it by its search attribute", func(t *testing.T) {
		require.Eventually(t, func() bool {
			resp, err := c.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{Namespace: testNamespace,
				Query: `PathwayId = "msk" AND ExecutionStatus = "Completed"`})
			return err == nil && len(resp.GetExecutions()) == 1
		}, 10*time.Second, 100*time.Millisecond)
	})
	t.Run("each schema version was applied once", func(t *testing.T) {
		requireAppliedOnce(t, o.Postgres.PersistenceURL, pgschema.Version)
		requireAppliedOnce(t, o.Postgres.VisibilityURL, pgschema.VisibilityVersion)
	})
}

// waitForEvent polls the workflow's history until it holds an event of type want.
func waitForEvent(t *testing.T, c client.Client, run client.WorkflowRun, want enumspb.EventType) {
	t.Helper()
	require.Eventually(t, func() bool {
		it := c.GetWorkflowHistory(t.Context(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				return false
			}
			if e.GetEventType() == want {
				return true
			}
		}
		return false
	}, 20*time.Second, 100*time.Millisecond, "no %s event", want)
}

// requireAppliedOnce checks the database is at version want and its update history records
// each version once.
func requireAppliedOnce(t *testing.T, dbURL, want string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.WithoutCancel(t.Context())) }()
	var version string
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT curr_version FROM schema_version").Scan(&version))
	require.Equal(t, want, version)
	rows, err := conn.Query(t.Context(), "SELECT new_version, count(*) FROM schema_update_history GROUP BY new_version HAVING count(*) > 1")
	require.NoError(t, err)
	twice, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var v string
		var n int
		err := r.Scan(&v, &n)
		return fmt.Sprintf("%s applied %d times", v, n), err
	})
	require.NoError(t, err)
	require.Empty(t, twice)
}

func TestPostgresSchemaSetUpByServersStartingTogether(t *testing.T) {
	pers, vis, err := postgresOptions(t).Postgres.databases()
	require.NoError(t, err)
	// A deadline turns a deadlock between the starts into a failure.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	const starts = 3
	var wg sync.WaitGroup
	errs := make([]error, starts)
	applied := map[string][][]string{persistenceSchema: make([][]string, starts), visibilitySchema: make([][]string, starts)}
	for i := range starts {
		wg.Go(func() { // as Start does: persistence, then visibility (whose changes create indexes CONCURRENTLY)
			applied[persistenceSchema][i], errs[i] = migrateSchema(ctx, pers, sqlplugin.DbKindMain, persistenceSchema)
			if errs[i] == nil {
				applied[visibilitySchema][i], errs[i] = migrateSchema(ctx, vis, sqlplugin.DbKindVisibility, visibilitySchema)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "start %d", i)
	}
	for schema, byStart := range applied {
		migrated := 0
		for _, a := range byStart {
			if len(a) > 0 {
				migrated++
			}
		}
		require.Equal(t, 1, migrated, "%s: one start applies the versions, the others find them applied: %q", schema, byStart)
	}
	requireAppliedOnce(t, pers.url, pgschema.Version)
	requireAppliedOnce(t, vis.url, pgschema.VisibilityVersion)

	again, err := migrateSchema(t.Context(), pers, sqlplugin.DbKindMain, persistenceSchema)
	require.NoError(t, err)
	require.Empty(t, again, "a later start finds the schema current")
}
