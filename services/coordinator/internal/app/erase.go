package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// MaxErasureReasonLength bounds the reason of an erasure (characters).
const MaxErasureReasonLength = 500

// Erased is the answer to ErasePatient.
type Erased struct {
	PatientRef string
	// Erased is false when the patient's key was already gone.
	Erased bool
}

// ErasePatient destroys the data key of the patient of a journey: the NHS number, reason for
// referral and notes of every journey of theirs can never be opened again. The journeys' coded
// facts stay. It is for information governance; the caller (ports) checks the role and records
// the call with its reason in the access audit trail. PatientRef is set whenever the journey
// names one, also when the erasure fails afterwards, so the trail names the patient concerned.
func (a *App) ErasePatient(ctx context.Context, journeyID, reason string) (Erased, error) {
	var v domain.Violations
	if !domain.ValidJourneyID(journeyID) {
		v.Addf("journey_id", "is required: the journey id of one of the patient's journeys")
	}
	switch n := utf8.RuneCountInString(reason); {
	case strings.TrimSpace(reason) == "":
		v.Addf("reason", "is required: why the data is erased (e.g. the erasure request's reference)")
	case n > MaxErasureReasonLength:
		v.Addf("reason", "must be at most %d characters, got %d", MaxErasureReasonLength, n)
	}
	if err := v.Err(); err != nil {
		return Erased{}, err
	}
	ref, legacy, err := a.timeline.Patient(ctx, journeyID)
	if err != nil {
		return Erased{}, fmt.Errorf("journey %s: %w", journeyID, err)
	}
	if legacy {
		return Erased{}, domain.Refuse(domain.KindFailedPrecondition,
			"journey %s was recorded before patient references: its NHS number is in clear in its stream, so it cannot be erased by destroying a key; delete the stream and scavenge the event store instead", journeyID)
	}
	erased, err := a.patients.Erase(ctx, ref)
	if err != nil {
		return Erased{PatientRef: ref}, fmt.Errorf("erase patient %s: %w", ref, err)
	}
	return Erased{PatientRef: ref, Erased: erased}, nil
}
