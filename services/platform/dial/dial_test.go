package dial_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"

	"github.com/nhs-pathways/pathways/services/platform/dial"
)

// replica is an in-process gRPC server with the health service, as every pathways server has.
type replica struct {
	addr   string
	srv    *grpc.Server
	health *health.Server
}

func startReplica(t *testing.T) *replica {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &replica{addr: lis.Addr().String(), srv: grpc.NewServer(), health: health.NewServer()}
	healthpb.RegisterHealthServer(r.srv, r.health)
	go func() { _ = r.srv.Serve(lis) }()
	t.Cleanup(r.srv.Stop)
	return r
}

func client(t *testing.T, addr string) healthpb.HealthClient {
	t.Helper()
	conn, err := dial.NewClient("finance-addr", addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return healthpb.NewHealthClient(conn)
}

// call makes one call and returns the address of the replica that answered it.
func call(t *testing.T, c healthpb.HealthClient) (string, error) {
	t.Helper()
	var p peer.Peer
	_, err := c.Check(t.Context(), &healthpb.HealthCheckRequest{}, grpc.Peer(&p))
	if err != nil {
		return "", err
	}
	return p.Addr.String(), nil
}

// until calls until a call is answered by want (errors allowed meanwhile), or fails the test.
func until(t *testing.T, c healthpb.HealthClient, want func(string) bool, what string) {
	t.Helper()
	require.Eventually(t, func() bool {
		got, err := call(t, c)
		return err == nil && want(got)
	}, 10*time.Second, 10*time.Millisecond, "no call %s within 10s", what)
}

// calls makes n calls, each of which must succeed, and returns who answered each.
func calls(t *testing.T, c healthpb.HealthClient, n int) []string {
	t.Helper()
	got := make([]string, n)
	for i := range got {
		var err error
		got[i], err = call(t, c)
		require.NoError(t, err, "call %d", i)
	}
	return got
}

func TestAStaticListSpreadsCallsAndSkipsAReplicaThatIsDown(t *testing.T) {
	a, b := startReplica(t), startReplica(t)
	c := client(t, a.addr+","+b.addr)
	until(t, c, func(p string) bool { return p == a.addr }, "answered by the first replica")
	until(t, c, func(p string) bool { return p == b.addr }, "answered by the second replica")

	got := calls(t, c, 10)
	for i := 1; i < len(got); i++ {
		require.NotEqual(t, got[i-1], got[i], "round robin: the replicas answer in turn: %v", got)
	}
	require.ElementsMatch(t, []string{a.addr, b.addr}, []string{got[0], got[1]})

	a.health.Shutdown() // NOT_SERVING, as a replica says when it starts to stop
	until(t, c, func(p string) bool { return p == b.addr }, "after the first replica reported NOT_SERVING")
	for _, p := range calls(t, c, 10) {
		require.Equal(t, b.addr, p, "a replica that is not serving gets no calls")
	}

	a.health.Resume()
	until(t, c, func(p string) bool { return p == a.addr }, "after the first replica served again")

	b.srv.Stop()
	until(t, c, func(p string) bool { return p == a.addr }, "after the second replica stopped")
	for _, p := range calls(t, c, 10) {
		require.Equal(t, a.addr, p, "the stopped replica gets no calls and none fails")
	}
}

func TestADNSTargetReachesEveryAddressOfTheName(t *testing.T) {
	a := startReplica(t)
	_, port, err := net.SplitHostPort(a.addr)
	require.NoError(t, err)
	c := client(t, "dns:///localhost:"+port)
	until(t, c, func(p string) bool { return p == a.addr }, "through the DNS resolver")
	calls(t, c, 3)
}

func TestAHostPortIsDialledAsToday(t *testing.T) {
	a := startReplica(t)
	target, _, err := dial.Target("finance-addr", a.addr)
	require.NoError(t, err)
	require.Equal(t, "passthrough:///"+a.addr, target)
	c := client(t, a.addr)
	until(t, c, func(p string) bool { return p == a.addr }, "to host:port")
}

func TestMalformedSettingsNameTheFlag(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"", `finance-addr: must be host:port, "dns:///name:port" or a list "host1:port,host2:port", not empty`},
		{"finance.svc", `finance-addr: must be host:port, not "finance.svc"`},
		{"finance.svc:", `finance-addr: must be host:port, not "finance.svc:": the port is missing`},
		{"dns:///finance.svc", `finance-addr: "dns:///finance.svc": must be host:port`},
		{"a.svc:9103,", `finance-addr: element 2 of "a.svc:9103,": must be host:port, "dns:///name:port" or a list "host1:port,host2:port", not empty`},
		{"a.svc:9103,b.svc", `finance-addr: element 2 of "a.svc:9103,b.svc": must be host:port, not "b.svc"`},
	}
	for _, tt := range tests {
		require.ErrorContains(t, dial.Check("finance-addr", tt.addr), tt.want)
		_, err := dial.NewClient("finance-addr", tt.addr)
		require.ErrorContains(t, err, tt.want)
	}
	for _, ok := range []string{"finance.svc:9103", ":9103", "[::1]:9103", "dns:///finance.svc:9103", "a.svc:9103,b.svc:9103", "a.svc:9103, 10.0.0.2:9103"} {
		require.NoError(t, dial.Check("finance-addr", ok), ok)
	}
}
