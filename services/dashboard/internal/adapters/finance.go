package adapters

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/dial"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Finance reads budget positions from the finance service's query API.
type Finance struct {
	conn   *grpc.ClientConn
	client financev1.FinanceServiceClient
}

// DialFinance connects to the finance service at addr with the transport credentials creds
// (secure.Config.Dial: mutual TLS presenting the dashboard's own certificate, which finance's
// access table admits to GetBudgetPosition; plaintext only with -insecure), with OpenTelemetry
// client spans so budget look-ups join the caller's trace. addr may name several replicas
// (host:port, dns:///name:port or host1:port,host2:port: services/platform/dial), called round
// robin over the healthy ones.
func DialFinance(addr string, creds grpc.DialOption) (*Finance, error) {
	conn, err := dial.NewClient("finance-addr", addr, creds, grpc.WithStatsHandler(telemetry.GRPCClientHandler()))
	if err != nil {
		return nil, fmt.Errorf("dial finance: %w", err)
	}
	return &Finance{conn: conn, client: financev1.NewFinanceServiceClient(conn)}, nil
}

// Close closes the connection.
func (f *Finance) Close() error { return f.conn.Close() }

// Position implements app.BudgetSource for contract "<pathway>-<year>".
func (f *Finance) Position(ctx context.Context, pathwayID string, year int) (app.Budget, error) {
	id := fmt.Sprintf("%s-%d", pathwayID, year)
	// Read only by a finance service started -insecure (the interim identity); over mutual TLS
	// finance knows the dashboard by its certificate and ignores it.
	ctx = metadata.AppendToOutgoingContext(ctx, "x-actor", "dashboard")
	pos, err := f.client.GetBudgetPosition(ctx, &financev1.GetBudgetPositionRequest{ContractId: id})
	if status.Code(err) == codes.NotFound {
		return app.Budget{}, fmt.Errorf("contract %s: %w", id, app.ErrNoBudget)
	}
	if err != nil {
		return app.Budget{}, fmt.Errorf("finance budget position %s: %w", id, err)
	}
	return app.Budget{ContractID: id, SpentPence: pos.GetSpentPence(), AllocatedToDatePence: pos.GetAllocatedToDatePence(),
		AnnualBudgetPence: pos.GetAnnualBudgetPence()}, nil
}
