package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// App carries out the coordinator's commands and queries. Safe for concurrent use.
type App struct {
	journeys Journeys
	timeline Timeline
	pathways Pathways
	patients Patients
	key      []byte
	now      func() time.Time
	pcns     pcnMemory
}

// New returns an App. pt holds the patients' data keys; key keys the referral fingerprints; now is
// the clock.
func New(j Journeys, t Timeline, p Pathways, pt Patients, key []byte, now func() time.Time) *App {
	return &App{journeys: j, timeline: t, pathways: p, patients: pt, key: key, now: now}
}

// Submitted is the answer to SubmitReferral.
type Submitted struct {
	JourneyID string
	Created   bool
}

// SubmitReferral validates a referral and starts its journey, idempotently on the referral id.
// A referral into a PCN outside the caller's scope is refused (domain.PCNNotInScope naming
// pcn_ods_code) and starts nothing.
func (a *App) SubmitReferral(ctx context.Context, scope domain.Scope, r domain.Referral) (Submitted, error) {
	if err := r.Validate(a.now()); err != nil {
		return Submitted{}, err
	}
	if !scope.Covers(r.PCNCode) {
		return Submitted{}, domain.PCNNotInScope("pcn_ods_code", r.PCNCode, scope)
	}
	sealed, err := a.seal(ctx, r)
	if err != nil {
		return Submitted{}, fmt.Errorf("submit referral: %w", err)
	}
	id, created, err := a.journeys.Start(ctx, r, sealed, r.Fingerprint(a.key))
	if err != nil {
		return Submitted{}, fmt.Errorf("submit referral: %w", err)
	}
	if created {
		a.pcns.put(id, r.PCNCode, a.now())
	}
	return Submitted{JourneyID: id, Created: created}, nil
}

// seal names the referral's patient by reference and seals its identifying fields.
func (a *App) seal(ctx context.Context, r domain.Referral) (domain.SealedReferral, error) {
	ref, err := a.patients.PatientRef(ctx, r.NHSNumber)
	if err != nil {
		return domain.SealedReferral{}, fmt.Errorf("patient reference: %w", err)
	}
	out := domain.SealedReferral{PatientRef: ref}
	if out.NHSNumber, err = a.patients.Seal(ctx, ref, PurposeNHSNumber, []byte(r.NHSNumber)); err != nil {
		return domain.SealedReferral{}, fmt.Errorf("seal the NHS number: %w", err)
	}
	if out.Reason, err = a.patients.Seal(ctx, ref, PurposeReferralReason, []byte(r.Reason)); err != nil {
		return domain.SealedReferral{}, fmt.Errorf("seal the reason for referral: %w", err)
	}
	return out, nil
}

// JourneyDetail is a journey with its timeline.
type JourneyDetail struct {
	View     journey.View
	Timeline []TimelineEntry
}

// GetJourney returns a journey's state and timeline. A journey of a PCN outside the caller's
// scope answers exactly as one that does not exist (domain.HiddenJourney).
func (a *App) GetJourney(ctx context.Context, scope domain.Scope, journeyID string) (JourneyDetail, error) {
	if !domain.ValidJourneyID(journeyID) {
		return JourneyDetail{}, domain.Violations{{Field: "journey_id", Description: "is required: the journey id from SubmitReferral"}}.Err()
	}
	if scope.Empty() {
		return JourneyDetail{}, domain.HiddenJourney(journeyID)
	}
	v, err := a.journeys.State(ctx, journeyID)
	if err != nil {
		return JourneyDetail{}, fmt.Errorf("journey %s: %w", journeyID, err)
	}
	if v.PCN == "" {
		// Not pinned yet (its state is still empty): its PCN is in the search attributes it
		// was started with.
		if err := a.inScope(ctx, scope, journeyID); err != nil {
			return JourneyDetail{}, err
		}
	} else {
		a.pcns.put(journeyID, v.PCN, a.now())
		if !scope.Covers(v.PCN) {
			return JourneyDetail{}, domain.HiddenJourney(journeyID)
		}
	}
	tl, err := a.timeline.Read(ctx, journeyID)
	if err != nil {
		return JourneyDetail{}, fmt.Errorf("journey %s timeline: %w", journeyID, err)
	}
	return JourneyDetail{View: v, Timeline: tl}, nil
}

// Apply carries out one transition. A transition the journey refuses because of its stage is
// KindFailedPrecondition naming the stage, unless the journey changed between the caller's
// request and the refusal (another coordinator got there first): then KindAborted.
//
// What the journey looked like when the request arrived is the revision of its stream's last
// event, read from the event store (one small read); the journey's state is queried only to explain
// a refusal, and for a migration (which needs the journey's pathway).
//
// A journey of a PCN outside the caller's scope answers exactly as one that does not exist
// (domain.HiddenJourney) and nothing is sent to it. Its PCN comes from the journey's start (its
// search attributes, no worker involved), remembered for journeys the app has read, listed or
// started, so the check usually costs no round trip.
func (a *App) Apply(ctx context.Context, scope domain.Scope, cmd domain.Command) (journey.UpdateResult, error) {
	if err := cmd.Validate(a.now()); err != nil {
		return journey.UpdateResult{}, err
	}
	if err := a.inScope(ctx, scope, cmd.JourneyID); err != nil {
		return journey.UpdateResult{}, err
	}
	before, err := a.timeline.Revision(ctx, cmd.JourneyID)
	if err != nil {
		return journey.UpdateResult{}, fmt.Errorf("journey %s: %w", cmd.JourneyID, err)
	}
	arg, err := a.argument(ctx, cmd)
	if err != nil {
		return journey.UpdateResult{}, err
	}
	res, err := a.journeys.Update(ctx, cmd.JourneyID, string(cmd.Transition), cmd.RequestID, arg)
	if err == nil {
		return res, nil
	}
	var refusal *domain.Error
	if !errors.As(err, &refusal) || refusal.Kind != domain.KindFailedPrecondition {
		return journey.UpdateResult{}, fmt.Errorf("%s %s: %w", cmd.Transition, cmd.JourneyID, err)
	}
	return journey.UpdateResult{}, a.explainRefusal(ctx, cmd, before, refusal)
}

// explainRefusal names the stage the journey is in now, and turns the refusal into Aborted when
// the journey moved on after the caller's request arrived (its revision then).
func (a *App) explainRefusal(ctx context.Context, cmd domain.Command, before int64, refusal *domain.Error) error {
	after, err := a.journeys.State(ctx, cmd.JourneyID)
	if err != nil {
		return fmt.Errorf("%s %s: %w", cmd.Transition, cmd.JourneyID, refusal)
	}
	if after.Revision != before {
		return domain.AtStage(domain.KindAborted, after.Stage, refusal,
			"journey %s changed while %s was being decided (now at stage %q): %s; read the journey and retry if still wanted",
			cmd.JourneyID, cmd.Transition, after.Stage, refusal.Message)
	}
	return domain.AtStage(domain.KindFailedPrecondition, after.Stage, refusal, "%s is not allowed now: journey %s is at stage %q (%s): %s",
		cmd.Transition, cmd.JourneyID, after.Stage, after.Status, refusal.Message)
}
