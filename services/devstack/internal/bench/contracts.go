package bench

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
)

// createContracts records this contract year's demo contracts in finance (keeping any already
// there), so the journeys' cost pushes are taken, not rejected, as in a real deployment.
func createContracts(ctx context.Context, financeAddr string) (err error) {
	conn, err := grpc.NewClient(financeAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("finance client: %w", err)
	}
	defer func() { _ = conn.Close() }()
	fin := financev1.NewFinanceServiceClient(conn)
	ctx = metadata.AppendToOutgoingContext(ctx, "x-actor", "pathwaysbench", "x-roles", "finance-admin")
	for _, terms := range demo.Contracts(time.Now()) {
		_, err := fin.CreateContract(ctx, &financev1.CreateContractRequest{Terms: terms})
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("contract %s %d: %w", terms.GetPathwayId(), terms.GetContractYear(), err)
		}
	}
	return nil
}
