package temporalserver

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
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

// sqlConfig is the SQLite store: a file in WAL mode, so readers do not block the writer and a
// crash loses no committed transaction.
func sqlConfig(o Options) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: o.databasePath(),
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
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return fmt.Errorf("create temporal data dir: %w", err)
	}
	if _, err := os.Stat(sql.DatabaseName); os.IsNotExist(err) {
		if err := sqliteschema.SetupSchema(sql); err != nil {
			return fmt.Errorf("create temporal schema in %s: %w", sql.DatabaseName, err)
		}
	} else if err != nil {
		return fmt.Errorf("temporal database %s: %w", sql.DatabaseName, err)
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
	if err != nil {
		return fmt.Errorf("namespace %s: %w", o.Namespace, err)
	}
	if o.Retention > 0 {
		ns.Detail.Config.Retention = durationpb.New(o.Retention)
	}
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return fmt.Errorf("register namespace %s: %w", o.Namespace, err)
	}
	return nil
}

// serverConfig is a single-node cluster with every service on ip.
func serverConfig(o Options, sql *config.SQL, p ports) *config.Config {
	frontend := p.hostPort(o.IP, primitives.FrontendService)
	c := &config.Config{}
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = o.IP
	c.Global.TLS = rootTLS(o.TLS)
	c.Persistence = config.Persistence{
		DefaultStore: "sqlite", VisibilityStore: "sqlite", NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{"sqlite": {SQL: sql}},
	}
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

// dynamicConfig tunes the server for one machine.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8096,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():      true,
	}
}
