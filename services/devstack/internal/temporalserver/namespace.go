package temporalserver

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence"
	"go.temporal.io/server/common/persistence/serialization"
	tsql "go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
)

// namespaceConfig is the namespace as it is registered: its custom search attributes mapped to
// the SQL visibility store's predefined columns (the same columns in SQLite and PostgreSQL),
// and its retention.
func namespaceConfig(o Options) (*sqliteschema.NamespaceConfig, error) {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", o.Namespace, err)
	}
	if o.Retention > 0 {
		ns.Detail.Config.Retention = durationpb.New(o.Retention)
	}
	return ns, nil
}

// createPostgresNamespace registers the namespace in the persistence database before the server
// starts, through Temporal's own metadata store (the transaction RegisterNamespace runs: it
// bumps the metadata notification version, so running servers see it). A namespace that is
// there already, or that another process registers first, is left as it is.
func createPostgresNamespace(ctx context.Context, o Options, db *pgDatabase) error {
	ns, err := namespaceConfig(o)
	if err != nil {
		return err
	}
	factory := tsql.NewFactory(*db.sql, resolver.NewNoopResolver(), clusterName, log.NewNoopLogger(),
		metrics.NoopMetricsHandler, serialization.NewSerializer())
	defer factory.Close()
	store, err := factory.NewMetadataStore()
	if err != nil {
		return fmt.Errorf("register namespace %s: %w", o.Namespace, err)
	}
	meta := persistence.NewMetadataManagerImpl(store, serialization.NewSerializer(), log.NewNoopLogger(), clusterName)
	_, err = meta.GetNamespace(ctx, &persistence.GetNamespaceRequest{Name: o.Namespace})
	var notFound *serviceerror.NamespaceNotFound
	if !errors.As(err, &notFound) {
		if err != nil {
			return fmt.Errorf("look up namespace %s: %w", o.Namespace, err)
		}
		return nil
	}
	_, err = meta.CreateNamespace(ctx, &persistence.CreateNamespaceRequest{Namespace: ns.Detail, IsGlobalNamespace: ns.IsGlobal})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", o.Namespace, err)
	}
	return nil
}
