package ports

import (
	"maps"
	"math"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

var statusToProto = map[domain.Status]governancev1.VersionStatus{
	domain.StatusDraft:            governancev1.VersionStatus_VERSION_STATUS_DRAFT,
	domain.StatusInReview:         governancev1.VersionStatus_VERSION_STATUS_IN_REVIEW,
	domain.StatusChangesRequested: governancev1.VersionStatus_VERSION_STATUS_CHANGES_REQUESTED,
	domain.StatusApproved:         governancev1.VersionStatus_VERSION_STATUS_APPROVED,
	domain.StatusPublished:        governancev1.VersionStatus_VERSION_STATUS_PUBLISHED,
	domain.StatusRetired:          governancev1.VersionStatus_VERSION_STATUS_RETIRED,
}

var fhirToProto = map[string]governancev1.PublicationStatus{
	"draft":   governancev1.PublicationStatus_PUBLICATION_STATUS_DRAFT,
	"active":  governancev1.PublicationStatus_PUBLICATION_STATUS_ACTIVE,
	"retired": governancev1.PublicationStatus_PUBLICATION_STATUS_RETIRED,
}

func versionToProto(v domain.Version) *governancev1.PathwayVersion {
	out := &governancev1.PathwayVersion{
		PathwayId:        v.PathwayID,
		Version:          int32Of(v.Number),
		Status:           statusToProto[v.Status],
		FhirStatus:       fhirToProto[v.Status.FHIRStatus()],
		Title:            v.Title,
		OwningEog:        v.OwningEOG,
		BasedOnVersion:   int32Of(v.BasedOn),
		Revision:         v.Revision,
		CreatedBy:        v.CreatedBy,
		Authors:          v.Authors,
		CreatedAt:        ts(v.CreatedAt),
		UpdatedAt:        ts(v.UpdatedAt),
		RequestedChanges: commentsToProto(v.RequestedChanges),
		ApprovalDate:     ts(v.ApprovedAt),
		Reviewers:        v.Reviewers,
		Endorser:         v.PublishedBy,
		PublishedAt:      ts(v.PublishedAt),
		RetiredAt:        ts(v.RetiredAt),
	}
	for _, a := range v.Approvals {
		out.Approvals = append(out.Approvals, &governancev1.Approval{Reviewer: a.Reviewer, ApprovedAt: ts(a.At), Comment: a.Comment})
	}
	if !v.PublishedAt.IsZero() {
		out.EffectivePeriod = &governancev1.Period{Start: ts(v.Effective.Start), End: ts(v.Effective.End)}
	}
	return out
}

func summaryToProto(s *app.Summary) *governancev1.VersionSummary {
	if s == nil {
		return nil
	}
	counts := make(map[string]int32, len(s.Counts))
	for k, n := range maps.All(s.Counts) {
		counts[k] = int32Of(n)
	}
	return &governancev1.VersionSummary{Title: s.Title, OwningEog: s.OwningEOG, Counts: counts}
}

func commentsToProto(cs []domain.Comment) []*governancev1.ReviewComment {
	out := make([]*governancev1.ReviewComment, 0, len(cs))
	for _, c := range cs {
		out = append(out, &governancev1.ReviewComment{Path: c.Path, Text: c.Text})
	}
	return out
}

func commentsFromProto(cs []*governancev1.ReviewComment) []domain.Comment {
	out := make([]domain.Comment, 0, len(cs))
	for _, c := range cs {
		out = append(out, domain.Comment{Path: c.GetPath(), Text: c.GetText()})
	}
	return out
}

func statusesFromProto(ss []governancev1.VersionStatus) []domain.Status {
	var out []domain.Status
	for _, s := range ss {
		if d, ok := statusFromProto(s); ok {
			out = append(out, d)
		}
	}
	return out
}

func statusFromProto(s governancev1.VersionStatus) (domain.Status, bool) {
	for d, p := range statusToProto {
		if p == s {
			return d, true
		}
	}
	return 0, false
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func timeOf(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
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

// int64Of converts a stream revision for the wire (revisions stay far below 2^63).
func int64Of(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}
