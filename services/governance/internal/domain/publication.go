package domain

import (
	"slices"
	"strconv"
	"time"
)

// SeedActor is the actor (name and subject) recorded for versions seeded from the built-in
// definitions.
const SeedActor = "system:seed"

// Publish makes an approved version effective from `from` (zero: now). The start must not be in
// the past and must be later than the start of every version already published, so effective
// periods form one chain: the new version ends its predecessor's period at `from`, and at any
// time at most one version is in effect.
func (p *Pathway) Publish(who Principal, number int, from time.Time, reason string, now time.Time) ([]Event, error) {
	if err := who.Require(RolePublisher, "publish pathway versions"); err != nil {
		return nil, err
	}
	v, err := p.find(number)
	if err != nil {
		return nil, err
	}
	if v.Status != StatusApproved {
		return nil, stateError(v, "publish", StatusApproved)
	}
	if from.IsZero() {
		from = now
	}
	if err := p.checkEffectiveFrom(from, now); err != nil {
		return nil, err
	}
	return p.publication(contextOf(who, number, now, reason), from), nil
}

func (p *Pathway) publication(ctx EventContext, from time.Time) []Event {
	evs := []Event{Published{EventContext: ctx, EffectiveFrom: from}}
	if chain := p.scheduled(); len(chain) > 0 {
		last := chain[len(chain)-1]
		evs = append(evs, EffectivePeriodChanged{
			EventContext: EventContext{Version: last.Number, Actor: ctx.Actor, Subject: ctx.Subject, At: ctx.At,
				Reason: "superseded by version " + strconv.Itoa(ctx.Version)},
			EffectiveTo: from, CausedBy: ctx.Version,
		})
	}
	return evs
}

func (p *Pathway) checkEffectiveFrom(from, now time.Time) error {
	var vs Violations
	if from.Before(now) {
		vs.Add("effective_from", "must not be in the past (it is %s, now is %s)", stamp(from), stamp(now))
	}
	if chain := p.scheduled(); len(chain) > 0 {
		last := chain[len(chain)-1]
		if !from.After(last.Effective.Start) {
			vs.Add("effective_from", "must be after %s, when version %d takes effect; two versions cannot take effect in an ambiguous order",
				stamp(last.Effective.Start), last.Number)
		}
	}
	return vs.Err()
}

// Retire withdraws a published version (a reason is required). A version in effect now cannot be
// retired: it is the only one in effect, so publish a successor first. A version scheduled for the
// future is withdrawn before it takes effect, and its predecessor's period is extended back.
func (p *Pathway) Retire(who Principal, number int, reason string, now time.Time) ([]Event, error) {
	if err := who.Require(RolePublisher, "retire pathway versions"); err != nil {
		return nil, err
	}
	if reason == "" {
		return nil, (Violations{{Field: "reason", Description: "is required to retire a version"}}).Err()
	}
	v, err := p.find(number)
	if err != nil {
		return nil, err
	}
	if v.Status != StatusPublished {
		return nil, stateError(v, "retire", StatusPublished)
	}
	if v.Effective.Contains(now) {
		return nil, precondition("cannot retire version %d of pathway %q: it is the only version in effect now (%s); publish a successor first",
			number, p.ID, stamp(now))
	}
	ctx := contextOf(who, number, now, reason)
	evs := []Event{Retired{ctx}}
	if v.Effective.Start.After(now) {
		evs = append(evs, p.withdrawal(v, ctx)...)
	}
	return evs, nil
}

func (p *Pathway) withdrawal(v *Version, ctx EventContext) []Event {
	withdrawn := EffectivePeriodChanged{EventContext: ctx, EffectiveTo: v.Effective.Start, CausedBy: v.Number}
	withdrawn.Reason = "withdrawn before it took effect"
	evs := []Event{withdrawn}
	for _, prev := range p.scheduled() {
		if prev.Number != v.Number && prev.Effective.End.Equal(v.Effective.Start) {
			evs = append(evs, EffectivePeriodChanged{
				EventContext: EventContext{Version: prev.Number, Actor: ctx.Actor, Subject: ctx.Subject, At: ctx.At,
					Reason: "successor version " + strconv.Itoa(v.Number) + " withdrawn"},
				EffectiveTo: v.Effective.End, CausedBy: v.Number,
			})
		}
	}
	return evs
}

// Seed records a built-in definition as version 1 of a new pathway, published and in effect from
// now. It bypasses review: the built-in definitions ship with the code.
func (p *Pathway) Seed(doc Document, now time.Time) ([]Event, error) {
	if p.Exists() {
		return nil, precondition("pathway %q already exists; it is seeded only into an empty stream", p.ID)
	}
	if err := p.checkDocument(doc, 1, ""); err != nil {
		return nil, err
	}
	ctx := EventContext{Version: 1, Actor: SeedActor, Subject: SeedActor, At: now, Reason: "built-in pathway definition"}
	return []Event{
		DraftCreated{EventContext: ctx, PathwayID: p.ID, Title: doc.Title, OwningEOG: doc.OwningEOG, Document: slices.Clone(doc.YAML)},
		Published{EventContext: ctx, EffectiveFrom: seedEffectiveFrom(now)},
	}, nil
}

// BuiltinEffectiveFrom is when the seeded built-in versions take effect: the start of the
// 2020/21 contract year (Europe/London), so that referrals dated before the service first started
// (back-entered or migrated from another system) still resolve to a version.
var BuiltinEffectiveFrom = time.Date(2020, time.April, 1, 0, 0, 0, 0, time.UTC).Add(-time.Hour)

func seedEffectiveFrom(now time.Time) time.Time {
	if now.Before(BuiltinEffectiveFrom) {
		return now
	}
	return BuiltinEffectiveFrom
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
