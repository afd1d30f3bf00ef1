package ports

import (
	"context"
	"time"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Finance serves FinanceService.
type Finance struct {
	financev1.UnimplementedFinanceServiceServer
	app *app.App
}

// NewFinance serves a over FinanceService.
func NewFinance(a *app.App) *Finance { return &Finance{app: a} }

// actor is the name a contract change is recorded under: the caller the identity interceptor
// established (the access table admits only finance-admins to the changes; under -insecure, the
// x-actor the caller gave).
func actor(ctx context.Context) string {
	p, _ := identity.FromContext(ctx)
	return p.Actor
}

// CreateContract records a contract (finance-admin only, by the access table).
func (s *Finance) CreateContract(ctx context.Context, req *financev1.CreateContractRequest) (*financev1.CreateContractResponse, error) {
	if req.GetTerms() == nil {
		return nil, toStatus(ctx, domain.Invalid("terms", "is required"))
	}
	out, err := s.app.CreateContract(ctx, actor(ctx), termsFromProto(req.GetTerms()))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.CreateContractResponse{Contract: contractProto(out)}, nil
}

// AmendContract replaces a contract's terms (finance-admin only, by the access table).
func (s *Finance) AmendContract(ctx context.Context, req *financev1.AmendContractRequest) (*financev1.AmendContractResponse, error) {
	if req.GetTerms() == nil {
		return nil, toStatus(ctx, domain.Invalid("terms", "is required"))
	}
	out, err := s.app.AmendContract(ctx, actor(ctx), req.GetContractId(), termsFromProto(req.GetTerms()), int(req.GetExpectedAmendment()), req.GetReason())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.AmendContractResponse{Contract: contractProto(out)}, nil
}

// GetContract returns a contract.
func (s *Finance) GetContract(ctx context.Context, req *financev1.GetContractRequest) (*financev1.GetContractResponse, error) {
	row, err := s.app.Contract(ctx, req.GetContractId())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.GetContractResponse{Contract: contractProto(row.Contract)}, nil
}

// GetBudgetPosition returns a contract's budget position.
func (s *Finance) GetBudgetPosition(ctx context.Context, req *financev1.GetBudgetPositionRequest) (*financev1.GetBudgetPositionResponse, error) {
	var asOf time.Time
	if req.GetAsOf() != nil {
		asOf = req.GetAsOf().AsTime()
	}
	p, err := s.app.Position(ctx, req.GetContractId(), asOf)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return positionProto(p), nil
}

// GetProviderStatement returns what a provider is owed.
func (s *Finance) GetProviderStatement(ctx context.Context, req *financev1.GetProviderStatementRequest) (*financev1.GetProviderStatementResponse, error) {
	st, err := s.app.Statement(ctx, req.GetContractId(), req.GetProvider(), req.GetMonth())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return statementProto(st), nil
}

// ExportMonth returns a month's charges as CSV.
func (s *Finance) ExportMonth(ctx context.Context, req *financev1.ExportMonthRequest) (*financev1.ExportMonthResponse, error) {
	b, err := s.app.ExportMonth(ctx, req.GetContractId(), req.GetMonth())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.ExportMonthResponse{Csv: b}, nil
}

// SettleOutcomeIncentive settles the outcome incentive (finance-admin only, by the access table).
func (s *Finance) SettleOutcomeIncentive(ctx context.Context, req *financev1.SettleOutcomeIncentiveRequest) (*financev1.SettleOutcomeIncentiveResponse, error) {
	out, err := s.app.SettleOutcomeIncentive(ctx, req.GetContractId())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return settlementProto(out), nil
}
