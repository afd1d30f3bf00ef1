package temporalserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

const clusterName = "active"

// ports are the gRPC ports of the four Temporal services.
type ports map[primitives.ServiceName]int

func allocatePorts(ip string, frontend int) (ports, error) {
	p := ports{primitives.FrontendService: frontend}
	for _, svc := range []primitives.ServiceName{primitives.HistoryService, primitives.MatchingService, primitives.WorkerService} {
		port, err := freePort(ip)
		if err != nil {
			return nil, err
		}
		p[svc] = port
	}
	return p, nil
}

func (p ports) hostPort(ip string, svc primitives.ServiceName) string {
	return net.JoinHostPort(ip, strconv.Itoa(p[svc]))
}

// stores are the server's persistence and visibility databases (one SQLite file is both).
type stores struct {
	persistence, visibility *config.SQL
}

// prepareStores readies the databases before the server starts: on SQLite, the schema when the
// file is new; on PostgreSQL, both schemas brought to this server's versions. Then the
// namespace, when missing.
func prepareStores(ctx context.Context, o Options) (stores, error) {
	if o.Postgres == nil {
		sql := sqlConfig(o)
		return stores{sql, sql}, prepareDatabase(o, sql)
	}
	pers, vis, err := o.Postgres.databases()
	if err != nil {
		return stores{}, err
	}
	if _, err := migrateSchema(ctx, pers, sqlplugin.DbKindMain, persistenceSchema); err != nil {
		return stores{}, err
	}
	if _, err := migrateSchema(ctx, vis, sqlplugin.DbKindVisibility, visibilitySchema); err != nil {
		return stores{}, err
	}
	return stores{pers.sql, vis.sql}, createPostgresNamespace(ctx, o, pers)
}

// sqlConfig is the SQLite store: a file in WAL mode, so readers do not block the writer and a
// crash loses no committed transaction.
func sqlConfig(o Options) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: o.SQLiteFile,
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  "normal",
			"busy_timeout": "10000",
		},
	}
}

// prepareDatabase creates the schema when the file is new and the namespace when missing.
func prepareDatabase(o Options, sql *config.SQL) error {
	if err := os.MkdirAll(filepath.Dir(sql.DatabaseName), 0o750); err != nil {
		return fmt.Errorf("create temporal data dir: %w", err)
	}
	if _, err := os.Stat(sql.DatabaseName); os.IsNotExist(err) {
		if err := sqliteschema.SetupSchema(sql); err != nil {
			return fmt.Errorf("create temporal schema in %s: %w", sql.DatabaseName, err)
		}
	} else if err != nil {
		return fmt.Errorf("temporal database %s: %w", sql.DatabaseName, err)
	}
	ns, err := namespaceConfig(o)
	if err != nil {
		return err
	}
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return fmt.Errorf("register namespace %s: %w", o.Namespace, err)
	}
	return nil
}

// serverConfig is a single-node cluster with every service on ip.
func serverConfig(o Options, st stores, p ports) *config.Config {
	frontend := p.hostPort(o.IP, primitives.FrontendService)
	c := &config.Config{}
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = o.IP
	c.Global.TLS = rootTLS(o.TLS)
	c.Persistence = persistenceConfig(o, st)
	c.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10, MasterClusterName: clusterName, CurrentClusterName: clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
		},
	}
	c.DCRedirectionPolicy.Policy = "noop"
	c.Services = map[string]config.Service{}
	for svc, port := range p {
		c.Services[string(svc)] = config.Service{RPC: config.RPC{GRPCPort: port, BindOnIP: o.IP}}
	}
	c.Archival.History.State = "disabled"
	c.Archival.Visibility.State = "disabled"
	c.NamespaceDefaults.Archival.History.State = "disabled"
	c.NamespaceDefaults.Archival.Visibility.State = "disabled"
	c.PublicClient.HostPort = frontend
	return c
}

// persistenceConfig is one SQLite store for both, or the two PostgreSQL databases.
func persistenceConfig(o Options, st stores) config.Persistence {
	shards := int32(o.HistoryShards) // validated: 0..maxHistoryShards
	if st.persistence == st.visibility {
		return config.Persistence{DefaultStore: "sqlite", VisibilityStore: "sqlite", NumHistoryShards: shards,
			DataStores: map[string]config.DataStore{"sqlite": {SQL: st.persistence}}}
	}
	return config.Persistence{DefaultStore: "postgres", VisibilityStore: "postgres-visibility", NumHistoryShards: shards,
		DataStores: map[string]config.DataStore{"postgres": {SQL: st.persistence}, "postgres-visibility": {SQL: st.visibility}}}
}

// dynamicConfig tunes the server for one machine.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8096,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():      true,
	}
}
