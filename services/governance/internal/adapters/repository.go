package adapters

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// RegistryStream lists every pathway that has (or is about to have) a stream, one
// PathwayRegistered event per pathway, so ListVersions can find them without scanning $all.
const RegistryStream = "governance-pathways"

// Journal is the app.Repository over the events journal: one stream "pathway-<id>" per pathway.
// Safe for concurrent use.
type Journal struct {
	j *events.Journal
}

var _ app.Repository = (*Journal)(nil)

// NewJournal returns a repository over j.
func NewJournal(j *events.Journal) *Journal { return &Journal{j: j} }

// Events reads a pathway's stream.
func (r *Journal) Events(ctx context.Context, pathwayID string) ([]app.Recorded, error) {
	recs, err := r.j.ReadStream(ctx, events.PathwayStream(pathwayID))
	if errors.Is(err, events.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read pathway stream: %w", err)
	}
	out := make([]app.Recorded, len(recs))
	for i, rec := range recs {
		e, err := fromProto(rec.Payload)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: %w", rec.Stream, rec.Revision, err)
		}
		out[i] = app.Recorded{Revision: rec.Revision, Event: e}
	}
	return out, nil
}

// Append writes events at the expected revision; a lost race is a domain conflict.
func (r *Journal) Append(ctx context.Context, pathwayID string, expected app.Expected, evs []domain.Event) error {
	exp := events.NoStream()
	if expected.Exists {
		exp = events.Exact(expected.Revision)
	}
	return r.append(ctx, pathwayID, exp, evs, nil)
}

// Seed writes events to a stream that must not exist, under deterministic event ids.
func (r *Journal) Seed(ctx context.Context, pathwayID string, evs []domain.Event) (bool, error) {
	err := r.append(ctx, pathwayID, events.NoStream(), evs, func(i int) string { return "seed-" + strconv.Itoa(i) })
	if errors.Is(err, domain.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

func (r *Journal) append(ctx context.Context, pathwayID string, exp events.ExpectedRevision, evs []domain.Event, id func(int) string) error {
	out := make([]events.Event, len(evs))
	for i, e := range evs {
		m, err := toProto(e)
		if err != nil {
			return err
		}
		c := e.Context()
		out[i] = events.Event{Payload: m, Meta: events.Metadata{Actor: c.Actor, OccurredAt: c.At}}
		if id != nil {
			out[i].ID = events.EventID("pathway", pathwayID, id(i))
		}
	}
	_, err := r.j.Append(ctx, events.PathwayStream(pathwayID), exp, out...)
	var ce *events.ConflictError
	if errors.As(err, &ce) {
		return domain.Conflictf("pathway %q was changed by someone else at the same time; read it again and retry", pathwayID)
	}
	if err != nil {
		return fmt.Errorf("append to pathway stream: %w", err)
	}
	return nil
}

// Register records the pathway in the registry stream; the event id is derived from the pathway
// id and duplicates are ignored on read.
func (r *Journal) Register(ctx context.Context, pathwayID string) error {
	ev := events.Event{ID: events.EventID("governance", "registered", pathwayID),
		Payload: &governancev1.PathwayRegistered{PathwayId: pathwayID}}
	if _, err := r.j.Append(ctx, RegistryStream, events.Any(), ev); err != nil {
		return fmt.Errorf("register pathway: %w", err)
	}
	return nil
}

// PathwayIDs reads the registry stream.
func (r *Journal) PathwayIDs(ctx context.Context) ([]string, error) {
	recs, err := r.j.ReadStream(ctx, RegistryStream)
	if errors.Is(err, events.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read pathway registry: %w", err)
	}
	var ids []string
	for _, rec := range recs {
		if m, ok := rec.Payload.(*governancev1.PathwayRegistered); ok && !slices.Contains(ids, m.GetPathwayId()) {
			ids = append(ids, m.GetPathwayId())
		}
	}
	slices.Sort(ids)
	return ids, nil
}
