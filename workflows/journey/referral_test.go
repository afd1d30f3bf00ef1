package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func TestStartRefusesABadReferral(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	r := referral("msk")
	r.PatientRef = "9990000018"
	h.run(Input{Referral: r})
	err := h.env.GetWorkflowError()
	require.ErrorContains(t, err, "patientRef")
	require.NotContains(t, err.Error(), "9990000018")
	require.Empty(t, h.journal.types(), "nothing recorded")
}

func TestStartRefusesAnNHSNumberInClear(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	r := referral("msk")
	r.NHSNumber = "9990000018"
	h.run(Input{Referral: r})
	err := h.env.GetWorkflowError()
	require.ErrorContains(t, err, "nhsNumber: must be empty")
	require.NotContains(t, err.Error(), "9990000018")
	require.Empty(t, h.journal.types(), "nothing recorded")
}

func TestStartRefusesAReferralIDShapedLikeAnNHSNumber(t *testing.T) {
	n, ok := nhsnumber.FromBase(nhsnumber.TestRangeFirst + 4242)
	for base := nhsnumber.TestRangeFirst + 4243; !ok; base++ {
		n, ok = nhsnumber.FromBase(base)
	}
	h := newHarness(t, builtinYAML(t, "msk", 1))
	r := referral("msk")
	r.ReferralID = "GP-" + n
	h.run(Input{Referral: r})
	err := h.env.GetWorkflowError()
	require.ErrorContains(t, err, "referralId: must not contain an NHS number")
	require.NotContains(t, err.Error(), n)
	require.Empty(t, h.journal.types(), "nothing recorded")
}

func TestReferralReceivedCarriesTheReferenceAndSealedFieldsOnly(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(0, UpdateCancel, "end", CancelRequest{Reason: "duplicate", RequestedBy: nurse, NoteSealed: []byte("sealed-note")})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("end")
	msgs := h.journal.decoded(t)
	got, ok := msgs[0].(*journeyv1.ReferralReceived)
	require.True(t, ok)
	require.Equal(t, testPatientRef, got.GetPatientRef())
	require.Empty(t, got.GetNhsNumber())
	require.Equal(t, []byte("sealed-by-the-coordinator"), got.GetNhsNumberSealed())
	var cancelled *journeyv1.JourneyCancelled
	for _, m := range msgs {
		if c, ok := m.(*journeyv1.JourneyCancelled); ok {
			cancelled = c
		}
	}
	require.NotNil(t, cancelled)
	require.Equal(t, "duplicate", cancelled.GetReason())
	require.Equal(t, []byte("sealed-note"), cancelled.GetNoteSealed())
}

func TestCodedReasonsAreRefusedWhenNotOfThePinnedVersion(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.after(time.Hour, UpdateCancel, "free", CancelRequest{Reason: "Mrs Smith rang to say she is moving", RequestedBy: nurse})
	h.after(0, UpdateCancel, "big", CancelRequest{Reason: "other", RequestedBy: nurse, NoteSealed: make([]byte, MaxSealedBytes+1)})
	h.after(0, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireRefused("free", ErrInvalidRequest)
	h.requireRefused("big", ErrInvalidRequest)
	err := h.errs["free"]
	require.ErrorContains(t, err, "reason: must be a cancel reason code of msk v1 (duplicate, referred-in-error")
	require.NotContains(t, err.Error(), "moving")
	require.ErrorContains(t, h.errs["big"], "noteSealed: must be at most 4096 bytes")
	h.requireOK("end")
}
