package app

import (
	"context"
	"fmt"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// argument builds the journey update's argument for a command; the caller's identity becomes
// RequestedBy.
func (a *App) argument(ctx context.Context, c domain.Command) (any, error) {
	note, err := a.sealNote(ctx, c)
	if err != nil {
		return nil, err
	}
	switch c.Transition {
	case domain.Triage:
		return journey.TriageRequest{Disposition: c.Disposition, Baseline: scores(c.Measures), RequestedBy: c.Actor}, nil
	case domain.ScheduleIntervention:
		return journey.ScheduleInterventionRequest{Intervention: c.Intervention, ScheduledFor: c.ScheduledFor, RequestedBy: c.Actor}, nil
	case domain.StartIntervention, domain.CompleteIntervention, domain.RecordDidNotAttend:
		return journey.InterventionRequest{InterventionID: c.InterventionID, RequestedBy: c.Actor}, nil
	case domain.RecordOutcome:
		return journey.OutcomeRequest{CollectionPoint: c.CollectionPoint, Measures: scores(c.Measures), RequestedBy: c.Actor}, nil
	case domain.Discharge:
		return journey.DischargeRequest{Reason: c.Reason, Stage: c.Stage, RequestedBy: c.Actor, NoteSealed: note}, nil
	case domain.Cancel:
		return journey.CancelRequest{Reason: c.Reason, RequestedBy: c.Actor, NoteSealed: note}, nil
	case domain.RecordAdmission:
		return journey.AdmissionRequest{AdmittedAt: c.AdmittedAt.UTC(), DischargedAt: c.DischargedAt.UTC(), Reason: c.Reason,
			RequestedBy: c.Actor}, nil
	case domain.MigrateVersion:
		v, err := a.journeys.State(ctx, c.JourneyID)
		if err != nil {
			return nil, fmt.Errorf("journey %s: %w", c.JourneyID, err)
		}
		doc, err := a.pathways.Document(ctx, v.PathwayID, c.TargetVersion)
		if err != nil {
			return nil, fmt.Errorf("target version %d of %s: %w", c.TargetVersion, v.PathwayID, err)
		}
		return journey.MigrateVersionRequest{TargetVersion: c.TargetVersion, DefinitionYAML: doc, Reason: c.Reason,
			RequestedBy: c.Actor, DryRun: c.DryRun, NoteSealed: note}, nil
	}
	return nil, domain.Violations{{Field: "transition", Description: fmt.Sprintf("unknown transition %q", c.Transition)}}.Err()
}

// sealNote seals the command's note with the journey's patient's data key (nil without a note).
func (a *App) sealNote(ctx context.Context, c domain.Command) ([]byte, error) {
	if c.Note == "" {
		return nil, nil
	}
	ref, legacy, err := a.timeline.Patient(ctx, c.JourneyID)
	if err != nil {
		return nil, fmt.Errorf("journey %s: %w", c.JourneyID, err)
	}
	if legacy {
		return nil, domain.Refuse(domain.KindFailedPrecondition,
			"journey %s was recorded before patient references: a note cannot be sealed for it; give the reason code alone", c.JourneyID)
	}
	sealed, err := a.patients.Seal(ctx, ref, PurposeNote, []byte(c.Note))
	if err != nil {
		return nil, fmt.Errorf("seal the note: %w", err)
	}
	return sealed, nil
}

func scores(ms []domain.Measure) []journey.Score {
	out := make([]journey.Score, len(ms))
	for i, m := range ms {
		out[i] = journey.Score{Measure: m.Code, Value: m.Value, Scale: m.Scale}
	}
	return out
}
