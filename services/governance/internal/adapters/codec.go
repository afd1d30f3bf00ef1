package adapters

import (
	"fmt"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// toProto maps a domain event onto its stored protobuf message.
func toProto(e domain.Event) (proto.Message, error) {
	c := contextToProto(e.Context())
	switch e := e.(type) {
	case domain.DraftCreated:
		return &governancev1.DraftCreated{Context: c, PathwayId: e.PathwayID, BasedOnVersion: int32Of(e.BasedOn),
			Title: e.Title, OwningEog: e.OwningEOG, DocumentYaml: string(e.Document)}, nil
	case domain.DraftUpdated:
		return &governancev1.DraftUpdated{Context: c, Title: e.Title, DocumentYaml: string(e.Document)}, nil
	case domain.SubmittedForReview:
		return &governancev1.SubmittedForReview{Context: c}, nil
	case domain.ReviewApproved:
		return &governancev1.ReviewApproved{Context: c}, nil
	case domain.ChangesRequested:
		return &governancev1.ChangesRequested{Context: c, Comments: CommentsToProto(e.Comments)}, nil
	case domain.ApprovalsReset:
		return &governancev1.ApprovalsReset{Context: c, ClearedReviewers: e.Cleared, ClearedReviewerSubjects: e.ClearedSubjects}, nil
	case domain.VersionApproved:
		return &governancev1.VersionApproved{Context: c, Reviewers: e.Reviewers, ReviewerSubjects: e.ReviewerSubjects}, nil
	case domain.Published:
		return &governancev1.Published{Context: c, EffectiveFrom: timestamppb.New(e.EffectiveFrom)}, nil
	case domain.EffectivePeriodChanged:
		return &governancev1.EffectivePeriodChanged{Context: c, EffectiveTo: optionalTime(e.EffectiveTo),
			CausedByVersion: int32Of(e.CausedBy)}, nil
	case domain.Retired:
		return &governancev1.Retired{Context: c}, nil
	}
	return nil, fmt.Errorf("no protobuf mapping for governance event %T", e)
}

// fromProto maps a stored protobuf message back to its domain event.
func fromProto(m proto.Message) (domain.Event, error) {
	switch m := m.(type) {
	case *governancev1.DraftCreated:
		return domain.DraftCreated{EventContext: contextFromProto(m.GetContext()), PathwayID: m.GetPathwayId(),
			BasedOn: int(m.GetBasedOnVersion()), Title: m.GetTitle(), OwningEOG: m.GetOwningEog(), Document: bytesOf(m.GetDocumentYaml())}, nil
	case *governancev1.DraftUpdated:
		return domain.DraftUpdated{EventContext: contextFromProto(m.GetContext()), Title: m.GetTitle(), Document: bytesOf(m.GetDocumentYaml())}, nil
	case *governancev1.SubmittedForReview:
		return domain.SubmittedForReview{EventContext: contextFromProto(m.GetContext())}, nil
	case *governancev1.ReviewApproved:
		return domain.ReviewApproved{EventContext: contextFromProto(m.GetContext())}, nil
	case *governancev1.ChangesRequested:
		return domain.ChangesRequested{EventContext: contextFromProto(m.GetContext()), Comments: CommentsFromProto(m.GetComments())}, nil
	case *governancev1.ApprovalsReset:
		return domain.ApprovalsReset{EventContext: contextFromProto(m.GetContext()), Cleared: m.GetClearedReviewers(),
			ClearedSubjects: m.GetClearedReviewerSubjects()}, nil
	case *governancev1.VersionApproved:
		return domain.VersionApproved{EventContext: contextFromProto(m.GetContext()), Reviewers: m.GetReviewers(),
			ReviewerSubjects: m.GetReviewerSubjects()}, nil
	case *governancev1.Published:
		return domain.Published{EventContext: contextFromProto(m.GetContext()), EffectiveFrom: timeOf(m.GetEffectiveFrom())}, nil
	case *governancev1.EffectivePeriodChanged:
		return domain.EffectivePeriodChanged{EventContext: contextFromProto(m.GetContext()), EffectiveTo: timeOf(m.GetEffectiveTo()),
			CausedBy: int(m.GetCausedByVersion())}, nil
	case *governancev1.Retired:
		return domain.Retired{EventContext: contextFromProto(m.GetContext())}, nil
	}
	return nil, fmt.Errorf("unexpected event %T in a pathway stream", m)
}

func contextToProto(c domain.EventContext) *governancev1.EventContext {
	return &governancev1.EventContext{Version: int32Of(c.Version), Actor: c.Actor, Subject: c.Subject,
		OccurredAt: timestamppb.New(c.At), Reason: c.Reason}
}

// contextFromProto reads the context as stored. Events written before events carried subjects
// have none: Subject stays empty and the domain takes the actor name as the subject
// (domain.EventContext.ActorID), so four-eyes holds by name for them.
func contextFromProto(c *governancev1.EventContext) domain.EventContext {
	return domain.EventContext{Version: int(c.GetVersion()), Actor: c.GetActor(), Subject: c.GetSubject(),
		At: timeOf(c.GetOccurredAt()), Reason: c.GetReason()}
}

// CommentsToProto maps review comments.
func CommentsToProto(cs []domain.Comment) []*governancev1.ReviewComment {
	out := make([]*governancev1.ReviewComment, len(cs))
	for i, c := range cs {
		out[i] = &governancev1.ReviewComment{Path: c.Path, Text: c.Text}
	}
	return out
}

// CommentsFromProto maps review comments.
func CommentsFromProto(cs []*governancev1.ReviewComment) []domain.Comment {
	if len(cs) == 0 {
		return nil
	}
	out := make([]domain.Comment, len(cs))
	for i, c := range cs {
		out[i] = domain.Comment{Path: c.GetPath(), Text: c.GetText()}
	}
	return out
}

func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func timeOf(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// int32Of converts a version number for the wire; numbers beyond int32 cannot be assigned in
// practice and are clamped rather than wrapped.
func int32Of(n int) int32 {
	switch {
	case n > math.MaxInt32:
		return math.MaxInt32
	case n < math.MinInt32:
		return math.MinInt32
	}
	return int32(n)
}
