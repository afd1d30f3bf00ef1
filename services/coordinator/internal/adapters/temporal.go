package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// MemoFingerprint is the memo key holding the referral's fingerprint on each journey workflow.
const MemoFingerprint = "referralFingerprint"

// Journeys runs journeys on Temporal. Safe for concurrent use.
type Journeys struct {
	Client client.Client
	// Converter decodes what the client reads raw (the fingerprint memo): the client's own data
	// converter, which decrypts payloads. Nil means the SDK's default (payloads in clear).
	Converter converter.DataConverter
}

// Start starts a referral's journey, or recognises it as already submitted.
// The journey gets the patient's reference and the sealed fields, never the NHS number.
func (j Journeys) Start(ctx context.Context, r domain.Referral, sealed domain.SealedReferral, fingerprint string) (string, bool, error) {
	ref := journey.Referral{ReferralID: r.ReferralID, PathwayID: r.PathwayID, PatientRef: sealed.PatientRef,
		NHSNumberSealed: sealed.NHSNumber, ReasonSealed: sealed.Reason,
		PCN: r.PCNCode, Segment: r.Segment, Source: r.Source, ReferredAt: r.ReferredAt.UTC()}
	opts := journey.StartOptions(ref)
	opts.Memo = map[string]any{MemoFingerprint: fingerprint}
	opts.WorkflowExecutionErrorWhenAlreadyStarted = true
	_, err := j.Client.ExecuteWorkflow(ctx, opts, journey.WorkflowName, journey.Input{Referral: ref})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		return opts.ID, true, nil
	case !errors.As(err, &started):
		return "", false, fmt.Errorf("start journey: %w", err)
	}
	existing, err := j.fingerprint(ctx, opts.ID)
	if err != nil {
		return "", false, err
	}
	if existing != fingerprint {
		return "", false, domain.Refuse(domain.KindAlreadyExists,
			"referral %s was already submitted with different details (journey %s); use a new referral_id for a new referral", r.ReferralID, opts.ID)
	}
	return opts.ID, false, nil
}

func (j Journeys) fingerprint(ctx context.Context, journeyID string) (string, error) {
	d, err := j.Client.DescribeWorkflowExecution(ctx, journeyID, "")
	if err != nil {
		return "", fmt.Errorf("describe journey %s: %w", journeyID, err)
	}
	p, ok := d.GetWorkflowExecutionInfo().GetMemo().GetFields()[MemoFingerprint]
	if !ok {
		return "", nil
	}
	var fp string
	dc := j.Converter
	if dc == nil {
		dc = converter.GetDefaultDataConverter()
	}
	if err := dc.FromPayload(p, &fp); err != nil {
		return "", fmt.Errorf("journey %s memo: %w", journeyID, err)
	}
	return fp, nil
}

// PCN reads the journey's PCN from the search attributes it was started with (describing the
// workflow: Temporal's frontend answers, the worker is not involved).
func (j Journeys) PCN(ctx context.Context, journeyID string) (string, error) {
	d, err := j.Client.DescribeWorkflowExecution(ctx, journeyID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		e := domain.JourneyNotFound(journeyID)
		e.Err = err
		return "", e
	}
	if err != nil {
		return "", temporalError(journeyID, err)
	}
	var pcn string
	decode(d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[journey.AttrPCN.GetName()], &pcn)
	return pcn, nil
}

// notReadyRetry is how long State waits between tries while a just-started journey has not
// completed its first workflow task (Temporal answers queries only after it).
const notReadyRetry = 50 * time.Millisecond

// State queries a journey's view, waiting (within ctx) for a just-started journey to be ready.
func (j Journeys) State(ctx context.Context, journeyID string) (journey.View, error) {
	res, err := j.Client.QueryWorkflow(ctx, journeyID, "", journey.QueryState)
	var notReady *serviceerror.WorkflowNotReady
	for errors.As(err, &notReady) {
		select {
		case <-ctx.Done():
			return journey.View{}, temporalError(journeyID, err)
		case <-time.After(notReadyRetry):
		}
		res, err = j.Client.QueryWorkflow(ctx, journeyID, "", journey.QueryState)
	}
	if err != nil {
		return journey.View{}, temporalError(journeyID, err)
	}
	var v journey.View
	if err := res.Get(&v); err != nil {
		return journey.View{}, fmt.Errorf("decode journey %s state: %w", journeyID, err)
	}
	return v, nil
}

// Update sends a transition and waits for the journey's answer.
func (j Journeys) Update(ctx context.Context, journeyID, name, requestID string, arg any) (journey.UpdateResult, error) {
	h, err := j.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: journeyID, UpdateID: requestID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return journey.UpdateResult{}, temporalError(journeyID, err)
	}
	var r journey.UpdateResult
	if err := h.Get(ctx, &r); err != nil {
		return journey.UpdateResult{}, temporalError(journeyID, err)
	}
	return r, nil
}
