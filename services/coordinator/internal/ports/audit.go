package ports

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// AuditServer implements AccessAuditService: auditors read the access audit trail. Safe for
// concurrent use.
type AuditServer struct {
	coordinatorv1.UnimplementedAccessAuditServiceServer
	audit *app.Audit
}

// NewAuditServer returns the gRPC service reading the trail that a records into (the same
// *app.Audit as the CoordinatorService's WithAudit).
func NewAuditServer(a *app.Audit) *AuditServer { return &AuditServer{audit: a} }

// ListAccess returns one page of the trail; it needs the auditor role.
func (s *AuditServer) ListAccess(ctx context.Context, req *coordinatorv1.ListAccessRequest) (*coordinatorv1.ListAccessResponse, error) {
	if _, err := identity.Require(ctx, access.Auditor, "read the access audit trail"); err != nil {
		return nil, err
	}
	var bad domain.Violations
	q := domain.AccessQuery{From: instant(&bad, "from", req.GetFrom()), To: instant(&bad, "to", req.GetTo()),
		Subject: req.GetSubject(), JourneyID: req.GetJourneyId(), PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()}
	if err := bad.Err(); err != nil {
		return nil, toStatus(ctx, err)
	}
	p, err := s.audit.List(ctx, q)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out := &coordinatorv1.ListAccessResponse{NextPageToken: p.NextPageToken}
	for _, e := range p.Entries {
		out.Entries = append(out.Entries, accessToProto(e))
	}
	return out, nil
}

// instant reads an optional timestamp field, recording a violation when it is not a valid one.
func instant(v *domain.Violations, field string, t *timestamppb.Timestamp) (at time.Time) {
	if t == nil {
		return at
	}
	if err := t.CheckValid(); err != nil {
		v.Addf(field, "must be a valid timestamp (RFC 3339, years 0001-9999)")
		return at
	}
	return t.AsTime()
}

func accessToProto(a domain.Access) *coordinatorv1.AccessEntry {
	return &coordinatorv1.AccessEntry{EntryId: a.ID, At: ts(a.At), Subject: a.Subject, Actor: a.Actor, Service: a.Service,
		Orgs: a.Orgs, Method: a.Method, JourneyIds: a.JourneyIDs, Outcome: coordinatorv1.AccessOutcome(a.Outcome),
		Code: a.Code, Peer: a.Peer, ForwardedFor: a.ForwardedFor, RequestId: a.RequestID, Reason: a.Reason, PatientRef: a.PatientRef}
}
