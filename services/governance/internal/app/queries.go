package app

import (
	"context"
	"time"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// VersionView is a version with the structured summary of its document.
type VersionView struct {
	Version domain.Version
	Summary *Summary // nil for an empty draft
}

// GetVersion reads one version.
func (a *App) GetVersion(ctx context.Context, id string, version int) (VersionView, error) {
	if err := checkRef(id, version); err != nil {
		return VersionView{}, err
	}
	p, _, _, err := a.load(ctx, id)
	if err != nil {
		return VersionView{}, err
	}
	v, err := p.Version(version)
	if err != nil {
		return VersionView{}, err
	}
	view := VersionView{Version: v}
	if len(v.Document) > 0 {
		s, err := a.docs.Summary(v.Document)
		if err != nil {
			return VersionView{}, err
		}
		view.Summary = &s
	}
	return view, nil
}

// DiffVersions compares two versions of one pathway.
func (a *App) DiffVersions(ctx context.Context, id string, from, to int) (Diff, error) {
	var vs domain.Violations
	checkID(&vs, id)
	if from < 1 {
		vs.Add("from_version", "must be a version number (1 or more), not %d", from)
	}
	if to < 1 {
		vs.Add("to_version", "must be a version number (1 or more), not %d", to)
	}
	if err := vs.Err(); err != nil {
		return Diff{}, err
	}
	p, _, _, err := a.load(ctx, id)
	if err != nil {
		return Diff{}, err
	}
	a1, err := p.Version(from)
	if err != nil {
		return Diff{}, err
	}
	b, err := p.Version(to)
	if err != nil {
		return Diff{}, err
	}
	return a.docs.Diff(a1.Document, b.Document)
}

// InEffect returns the version of a pathway in effect at `at` (zero: now).
func (a *App) InEffect(ctx context.Context, id string, at time.Time) (domain.Version, error) {
	var vs domain.Violations
	checkID(&vs, id)
	if err := vs.Err(); err != nil {
		return domain.Version{}, err
	}
	if at.IsZero() {
		at = a.clock.Now()
	}
	p, _, _, err := a.load(ctx, id)
	if err != nil {
		return domain.Version{}, err
	}
	return p.InEffectAt(at)
}

// HistoryEntry is one event of a version's audit trail.
type HistoryEntry struct {
	Revision uint64
	Type     string
	Actor    string // the name shown
	Subject  string // who (domain.EventContext.ActorID: the name for events recorded before subjects)
	At       time.Time
	Reason   string
	Summary  string
}

// History returns every event about one version, oldest first.
func (a *App) History(ctx context.Context, id string, version int) ([]HistoryEntry, error) {
	if err := checkRef(id, version); err != nil {
		return nil, err
	}
	p, _, recs, err := a.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := p.Version(version); err != nil {
		return nil, err
	}
	var out []HistoryEntry
	for _, r := range recs {
		c := r.Event.Context()
		if c.Version != version {
			continue
		}
		out = append(out, HistoryEntry{Revision: r.Revision, Type: r.Event.Type(), Actor: c.Actor, Subject: c.ActorID(), At: c.At,
			Reason: c.Reason, Summary: Describe(r.Event)})
	}
	return out, nil
}
