package journey

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Defaults of Options.
const (
	defaultContinueAsNewAfter = 5000
	defaultFollowUpWindowDays = 42
)

// journey is the running workflow: the state, the pinned definition, and the machinery that
// serialises transitions. It lives only within one run; State is what crosses continue-as-new.
type journey struct {
	in  Input
	s   *State // nil until the journey has started (version resolved, referral recorded)
	def *pathway.Definition
	mu  workflow.Mutex
	// outbox holds facts to push, in order; it is carried in State.Outbox across continue-as-new.
	outbox []Push
	// commits counts committed changes, so the clock loop sees that something changed.
	commits int
	sa      saSnapshot
}

// Journey is the journey workflow. It returns the final View when the journey closes or is
// cancelled, and continues as new (carrying State) before its history grows large.
func Journey(ctx workflow.Context, in Input) (*View, error) {
	in.Options = in.Options.withDefaults()
	j := &journey{in: in, mu: workflow.NewMutex(ctx)}
	if err := j.register(ctx); err != nil {
		return nil, err
	}
	ctx = workflow.WithActivityOptions(ctx, activityOptions())
	if err := j.begin(ctx); err != nil {
		return nil, err
	}
	workflow.Go(ctx, j.pushLoop)
	if err := j.runClocks(ctx); err != nil {
		return nil, err
	}
	return j.finish(ctx)
}

func (o Options) withDefaults() Options {
	if o.ContinueAsNewAfter <= 0 {
		o.ContinueAsNewAfter = defaultContinueAsNewAfter
	}
	if o.FollowUpWindowDays <= 0 {
		o.FollowUpWindowDays = defaultFollowUpWindowDays
	}
	return o
}

func activityOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	}
}

// begin restores the carried state, or resolves the pathway version in effect at referral and
// records the referral.
func (j *journey) begin(ctx workflow.Context) error {
	if c := j.in.Carried; c != nil {
		def, err := parseDefinition(c.DefinitionYAML)
		if err != nil {
			return err
		}
		j.outbox, c.Outbox = c.Outbox, nil
		j.s, j.def = c, def
		return j.upsertSearchAttributes(ctx, true)
	}
	pseudonymous := workflow.GetVersion(ctx, changePatientRef, workflow.DefaultVersion, 1) >= 1
	if err := validateReferral(j.in.Referral, pseudonymous); err != nil {
		return err
	}
	var pinned PinnedVersion
	req := ResolveRequest{PathwayID: j.in.Referral.PathwayID, At: j.in.Referral.ReferredAt}
	if err := workflow.ExecuteActivity(ctx, acts.ResolvePathwayVersion, req).Get(ctx, &pinned); err != nil {
		return fmt.Errorf("resolve pathway version: %w", err)
	}
	def, err := parseDefinition(pinned.DefinitionYAML)
	if err != nil {
		return err
	}
	if def.ID != j.in.Referral.PathwayID {
		return refuse(ErrInvalidPathwayDefinition, "governance returned pathway %q for %q", def.ID, j.in.Referral.PathwayID)
	}
	c := decideStart(j.in.Referral, def, pinned.DefinitionYAML, workflow.Now(ctx))
	return j.commit(ctx, c)
}

func parseDefinition(doc string) (*pathway.Definition, error) {
	def, err := pathway.Parse([]byte(doc))
	if err != nil {
		return nil, refuse(ErrInvalidPathwayDefinition, "pinned pathway document: %v", err)
	}
	return def, nil
}

// runClocks waits for the next clock to fall due, recording it when it does, until the journey is
// over or should continue as new. Changes made by updates wake it to re-plan.
func (j *journey) runClocks(ctx workflow.Context) error {
	for j.s.open() && !j.continueAsNewDue(ctx) {
		seen := j.commits
		changed := func() bool { return j.commits != seen || !j.s.open() || j.continueAsNewDue(ctx) }
		next, ok := nextDeadline(j.s)
		if !ok {
			if err := workflow.Await(ctx, changed); err != nil {
				return err
			}
			continue
		}
		if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			woke, err := workflow.AwaitWithTimeout(ctx, wait, changed)
			if err != nil || woke {
				if err != nil {
					return err
				}
				continue
			}
		}
		if err := j.tick(ctx); err != nil {
			return err
		}
	}
	return nil
}

// tick records the clocks due now.
func (j *journey) tick(ctx workflow.Context) error {
	if err := j.mu.Lock(ctx); err != nil {
		return err
	}
	defer j.mu.Unlock()
	c := newChange(j.s, j.def, workflow.Now(ctx), "")
	c.tick()
	return j.commit(ctx, c)
}

func (j *journey) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= j.in.Options.ContinueAsNewAfter
}

// finish waits for running update handlers, then ends the run: a closed or cancelled journey
// drains its outbox and completes; an open one continues as new with its state.
func (j *journey) finish(ctx workflow.Context) (*View, error) {
	if err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && (j.s.open() || len(j.outbox) == 0)
	}); err != nil {
		return nil, err
	}
	if !j.s.open() {
		v := j.view()
		return &v, nil
	}
	carried := j.s.clone()
	carried.Outbox = append([]Push(nil), j.outbox...)
	next := Input{Referral: j.in.Referral, Options: j.in.Options, Carried: carried}
	// Recorded in ReferralReceived; never carried.
	next.Referral.NHSNumber, next.Referral.NHSNumberSealed, next.Referral.ReasonSealed = "", nil, nil
	return nil, workflow.NewContinueAsNewError(ctx, WorkflowName, next)
}
