package ports

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// call is what the access audit trail records of one call besides the caller and the answer.
type call struct {
	method     string
	journeyIDs []string
	requestID  string
	reason     string
	patientRef string
}

// recordWithin bounds one append to the trail. It runs even when the caller has gone away: a
// change made is recorded whether or not its caller is still waiting.
const recordWithin = 5 * time.Second

// maxForwardedFor bounds the X-Forwarded-For kept in an entry (the caller writes it).
const maxForwardedFor = 512

// errNoTrail answers when the server has no access audit trail (WithAudit).
var errNoTrail = errors.New("no access audit trail is configured")

// answer maps err to the status the caller gets (toStatus) and records the call in the access
// audit trail, one entry per call. A read whose entry cannot be recorded is not answered: the
// caller gets Unavailable, and no patient data. A command's answer stands when its entry cannot
// be recorded (the change is in the journey's own stream with its requester); the failure is
// logged.
func (s *Server) answer(ctx context.Context, c call, err error, read bool) error {
	st := toStatus(ctx, err)
	rerr := s.record(ctx, c, err, st)
	switch {
	case rerr == nil:
		return st
	case read:
		slog.ErrorContext(ctx, "access audit: read refused, it could not be recorded", "method", c.method, "error", rerr)
		return status.Error(codes.Unavailable, "the access audit trail could not record this read, so it is not answered; retry later")
	}
	slog.ErrorContext(ctx, "access audit: command answered but not recorded", "method", c.method, "error", rerr)
	return st
}

func (s *Server) record(ctx context.Context, c call, err, st error) error {
	if s.audit == nil {
		return errNoTrail
	}
	p, _ := identity.FromContext(ctx)
	e := domain.Access{Subject: p.ID(), Actor: p.Actor, Service: p.Service, Orgs: p.Orgs, Method: c.method,
		JourneyIDs: c.journeyIDs, RequestID: c.requestID, Reason: c.reason, PatientRef: c.patientRef, Outcome: outcomeOf(err, st),
		Code: code.Code_name[int32(status.Code(st))], Peer: peerOf(ctx), ForwardedFor: forwardedFor(ctx)}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordWithin)
	defer cancel()
	return s.audit.Record(rctx, e)
}

// outcomeOf says what a call came to: a refusal for scope is Refused whatever the caller was told.
func outcomeOf(err, st error) domain.Outcome {
	switch {
	case err == nil:
		return domain.OutcomeAllowed
	case errors.Is(err, domain.ErrOutsideScope):
		return domain.OutcomeRefused
	}
	switch status.Code(st) {
	case codes.NotFound:
		return domain.OutcomeNotFound
	case codes.PermissionDenied, codes.Unauthenticated:
		return domain.OutcomeRefused
	}
	return domain.OutcomeFailed
}

func peerOf(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

// forwardedFor is the call's X-Forwarded-For: through the REST gateway, the client's addresses
// (grpc-gateway adds the address it saw last).
func forwardedFor(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	xff := strings.Join(md.Get("x-forwarded-for"), ", ")
	if len(xff) > maxForwardedFor {
		xff = xff[:maxForwardedFor]
	}
	return xff
}
