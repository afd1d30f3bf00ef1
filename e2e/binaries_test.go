package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// commands are every binary of the repository but the devstack (TestMain built it already), by
// package; name is the binary's name.
var commands = []struct{ name, pkg string }{
	{"coordinator", "./services/coordinator/cmd/coordinator"}, {"pathwayctl", "./services/coordinator/cmd/pathwayctl"},
	{"governance", "./services/governance/cmd/governance"}, {"finance", "./services/finance/cmd/finance"},
	{"financebench", "./services/finance/cmd/financebench"}, {"dashboard", "./services/dashboard/cmd/dashboard"},
	{"dashbench", "./services/dashboard/cmd/dashbench"}, {"eventstore", "./services/eventstore/cmd/eventstore"},
	{"esbench", "./services/eventstore/cmd/esbench"}, {"clientsuite", "./services/eventstore/cmd/clientsuite"},
	{"worker", "./services/worker/cmd/worker"}, {"pathwaysbench", "./services/devstack/cmd/pathwaysbench"},
}

// rpcDuration is otelgrpc's rpc.server.call.duration as the Prometheus exporter names it.
const rpcDuration = "rpc_server_call_duration_seconds_count{"

// TestEveryBinaryAnswersHelpVersionHealthReflectionAndMetrics builds every binary once; each
// answers -h and -version with exit status 0; each service, started for real on loopback (the
// devstack provides Temporal, the event store and the services the coordinator and the worker
// call), answers a health check sent without any identity, lists its services by reflection and
// serves otelgrpc's request metric and at least one of its own meters on /metrics.
func TestEveryBinaryAnswersHelpVersionHealthReflectionAndMetrics(t *testing.T) {
	requireFull(t)
	bin := buildCommands(t)
	bins := map[string]string{"devstack": devstackBin}
	for _, c := range commands {
		bins[c.name] = filepath.Join(bin, c.name)
	}
	for name, path := range bins {
		for _, flag := range []string{"-h", "-version"} {
			out, err := exec.CommandContext(t.Context(), path, flag).CombinedOutput()
			require.NoError(t, err, "%s %s must exit 0:\n%s", name, flag, out)
			require.Contains(t, string(out), name, "%s %s", name, flag)
		}
	}

	d := startForTest(t, t.TempDir(), false, "--insecure") // the binaries below run -insecure beside it
	es := "esdb://" + d.addr.eventstore + "?tls=false"
	dir := t.TempDir()
	services := []struct {
		name     string
		args     []string
		grpc     string   // address of its gRPC server ("" for the worker)
		lists    string   // a service reflection must list
		own      []string // its own figures, one of which /metrics must show
		exercise func(t *testing.T, addr, http string)
	}{
		{name: "eventstore", args: []string{"-in-memory", "-insecure"}, lists: "event_store.client.streams.Streams",
			own: []string{"eventstore_fsyncs_total{"}},
		{name: "governance", args: []string{"-insecure", "-eventstore-url", es}, lists: "pathways.governance.v1.GovernanceService",
			own: []string{`governance_pathway_transitions_total{action="draft"`}, exercise: draftPathway},
		{name: "finance", args: []string{"-insecure", "-eventstore-url=", "-ledger", filepath.Join(dir, "finance.db")}, lists: "pathways.finance.v1.FinanceService",
			own: []string{`finance_ingest_events_total{duplicate="false",kind="activity"`}, exercise: ingestActivity},
		{name: "dashboard", args: []string{"-insecure", "-data-dir", filepath.Join(dir, "dashboard")}, lists: "pathways.dashboard.v1.DashboardQueryService",
			own: []string{`dashboard_page_views_total{`}, exercise: viewPage},
		{name: "coordinator", args: []string{"-insecure", "-http-listen=", "-temporal-address", d.addr.temporal, "-eventstore-url", es,
			"-governance-addr", d.addr.governance, "-patient-vault", filepath.Join(dir, "vault.db"), "-master-key-file", filepath.Join(dir, "master.key")},
			lists: "pathways.coordinator.v1.CoordinatorService",
			own:   []string{"temporal_request_latency_seconds_count{"}, exercise: askForJourney},
		{name: "worker", args: []string{"-insecure", "-temporal-address", d.addr.temporal, "-eventstore-url", es, "-governance-addr", d.addr.governance,
			"-finance-addr", d.addr.finance, "-dashboard-addr", d.addr.dashboard, "-register-search-attributes=false"},
			own: []string{"temporal_worker_start{", "temporal_long_request_latency_seconds_count{"}},
	}
	for _, s := range services {
		t.Run(s.name, func(t *testing.T) {
			metricsAddr, grpcAddr, httpAddr := freeAddr(t), freeAddr(t), freeAddr(t)
			args := append([]string{"-metrics-listen", metricsAddr}, s.args...)
			switch s.name {
			case "worker":
				grpcAddr = ""
			case "finance", "dashboard": // /metrics is on their HTTP listener
				args = append([]string{"-listen", grpcAddr, "-http-listen", httpAddr}, s.args...)
				metricsAddr = httpAddr
			default:
				args = append(args, "-listen", grpcAddr)
			}
			p := startCommand(t, bins[s.name], args...)
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			if grpcAddr != "" {
				require.NoError(t, pollFor(ctx, 30*time.Second, func() error { return healthy(ctx, grpcAddr, nil) }),
					"a health check without identity metadata\n%s", p.out)
				require.Contains(t, listServices(t, grpcAddr), s.lists, "reflection lists the service")
			}
			if s.exercise != nil {
				s.exercise(t, grpcAddr, httpAddr)
			}
			var body string
			err := pollFor(ctx, 30*time.Second, func() error {
				var err error
				if body, err = scrapeMetrics(ctx, metricsAddr); err != nil {
					return err
				}
				if grpcAddr != "" && !strings.Contains(body, rpcDuration) {
					return fmt.Errorf("no %s", rpcDuration)
				}
				for _, own := range s.own {
					if strings.Contains(body, own) {
						return nil
					}
				}
				return fmt.Errorf("none of %q", s.own)
			})
			require.NoError(t, err, "/metrics of %s:\n%s\n--- output ---\n%s", s.name, body, p.out)
			require.NoError(t, p.stop(), "%s stops cleanly on SIGTERM:\n%s", s.name, p.out)
		})
	}
}

// buildCommands builds every command into one directory, stamping the VCS revision when the
// checkout allows it (-buildvcs=auto overrides a GOFLAGS=-buildvcs=false of the environment).
func buildCommands(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"build", "-buildvcs=auto", "-o", dir + string(os.PathSeparator)}
	for _, c := range commands {
		args = append(args, c.pkg)
	}
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	return dir
}

// freeAddr is a free loopback address (listen on :0, note it, close).
func freeAddr(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// process is one service binary started by the test.
type process struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error
}

func startCommand(t *testing.T, path string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.CommandContext(context.Background(), path, args...), out: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, p.cmd.Start())
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// stop sends SIGTERM and waits for exit status 0.
func (p *process) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-p.exited:
		return p.err
	case <-time.After(stopWithin):
		return errors.New("still running after SIGTERM")
	}
}

// listServices asks the server's reflection service for the services it serves.
func listServices(t *testing.T, addr string) []string {
	t.Helper()
	stream, err := reflectionpb.NewServerReflectionClient(dialPlain(t, addr)).ServerReflectionInfo(t.Context())
	require.NoError(t, err)
	require.NoError(t, stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}))
	answer, err := stream.Recv()
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.ErrorIs(t, err, io.EOF, "the stream ends, so its rpc.server metrics are recorded")
	var names []string
	for _, s := range answer.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	return names
}

func scrapeMetrics(ctx context.Context, addr string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", http.NoBody)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(body), fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return string(body), nil
}

// draftPathway takes one lifecycle step: a new draft of msk from version 1.
func draftPathway(t *testing.T, addr, _ string) {
	t.Helper()
	ctx := metadata.AppendToOutgoingContext(t.Context(), "x-actor", "alice", "x-roles", "author", "x-eog", "MSK Clinical Expert Oversight Group")
	_, err := governancev1.NewGovernanceServiceClient(dialPlain(t, addr)).CreateDraft(ctx,
		&governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1, Reason: "binaries test"})
	require.NoError(t, err)
}

// ingestActivity creates this contract year's msk contract and charges one activity to it.
func ingestActivity(t *testing.T, addr, _ string) {
	t.Helper()
	conn := dialPlain(t, addr)
	now := time.Now().UTC()
	year := now.Year()
	if now.Month() < time.April {
		year--
	}
	admin := metadata.AppendToOutgoingContext(t.Context(), "x-actor", "fiona", "x-roles", "finance-admin")
	_, err := financev1.NewFinanceServiceClient(conn).CreateContract(admin, &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: int32(year), AnnualBudgetPence: 1_200_000_000, Population: 300_000, Currency: "GBP",
		UnitPrices: []*financev1.InterventionPrice{{InterventionCode: "cats", UnitPricePence: 4_200}},
	}})
	require.NoError(t, err)
	_, err = financev1.NewFinanceIngestServiceClient(conn).RecordActivity(t.Context(), &financev1.RecordActivityRequest{
		EventId: "00000000-0000-4000-8000-000000000001", JourneyId: "ref-BIN-1", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		InterventionId: "ref-BIN-1/iv-1", InterventionCode: "cats", Provider: "RTG", UnitPricePence: 4_200,
		OccurredAt: timestamppb.New(now.Add(-time.Hour)), PcnOdsCode: "U12345", Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS,
	})
	require.NoError(t, err)
}

// askForJourney asks for a journey that does not exist: the coordinator's Temporal client (lazy
// until then) makes its first calls.
func askForJourney(t *testing.T, addr, _ string) {
	t.Helper()
	ctx := metadata.AppendToOutgoingContext(t.Context(), "x-actor", "coord-017", "x-roles", "coordinator", "x-orgs", "U12345")
	_, err := coordinatorv1.NewCoordinatorServiceClient(dialPlain(t, addr)).GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: "ref-BIN-NONE"})
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
}

// viewPage loads the System Dashboard page once.
func viewPage(t *testing.T, _, httpAddr string) {
	t.Helper()
	require.NoError(t, httpOK(t.Context(), "http://"+httpAddr+"/", nil))
}

// dialPlain connects to a service started -insecure (plaintext).
func dialPlain(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
