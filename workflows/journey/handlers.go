package journey

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// register installs the query and the update handlers. It runs before anything blocks, so requests
// arriving while the journey starts wait for it rather than being refused.
func (j *journey) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (View, error) { return j.view(), nil }); err != nil {
		return err
	}
	window := func() int { return j.in.Options.FollowUpWindowDays }
	regs := []error{
		handle(ctx, j, UpdateTriage, checkTriage, decideTriage),
		handle(ctx, j, UpdateScheduleIntervention, checkSchedule, decideSchedule),
		handle(ctx, j, UpdateStartIntervention, checkBooked(InterventionScheduled), decideStartIntervention),
		handle(ctx, j, UpdateCompleteIntervention, checkBooked(InterventionScheduled, InterventionStarted), decideCompleteIntervention),
		handle(ctx, j, UpdateRecordDidNotAttend, checkBooked(InterventionScheduled), decideDidNotAttend),
		handle(ctx, j, UpdateRecordOutcome, checkOutcome, decideOutcome),
		handle(ctx, j, UpdateDischarge, checkDischarge, func(c *change, r DischargeRequest) {
			decideDischarge(c, r, daysDuration(window()))
		}),
		handle(ctx, j, UpdateCancel, func(s *State, _ *pathway.Definition, r CancelRequest) error { return checkCancel(s, r) }, decideCancel),
		handleAt(ctx, j, UpdateRecordAdmission, checkAdmission, decideAdmission),
		j.registerMigrate(ctx),
	}
	for _, err := range regs {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkBooked(allowed ...InterventionStatus) func(*State, *pathway.Definition, InterventionRequest) error {
	return func(s *State, _ *pathway.Definition, r InterventionRequest) error {
		return checkIntervention(s, r, allowed...)
	}
}

// handle registers one update: the validator refuses an invalid request before anything is
// recorded (a request ID already answered always passes, to get its first answer back); the
// handler re-checks under the journey's lock, decides, commits and remembers the answer. A request
// arriving before the journey has pinned its pathway version is validated on its fields alone; its
// handler waits for the pin, then checks it fully (refusing it with the same typed errors).
func handle[R fieldChecked](ctx workflow.Context, j *journey, name string,
	check func(*State, *pathway.Definition, R) error, decide func(*change, R)) error {
	return handleAt(ctx, j, name, func(s *State, def *pathway.Definition, _ time.Time, req R) error {
		return check(s, def, req)
	}, decide)
}

// handleAt is handle for a check that also reads the workflow's current time.
func handleAt[R fieldChecked](ctx workflow.Context, j *journey, name string,
	check func(*State, *pathway.Definition, time.Time, R) error, decide func(*change, R)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, req R) (UpdateResult, error) {
			return j.apply(ctx, func(s *State, def *pathway.Definition) (func(*change), error) {
				if err := check(s, def, workflow.Now(ctx), req); err != nil {
					return nil, err
				}
				return func(c *change) { c.actor = req.requester(); decide(c, req) }, nil
			})
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req R) error {
			switch {
			case j.s == nil:
				if err := req.checkFields(); err != nil {
					return err // the handler waits for the pin, then checks fully
				}
				return checkCoded(req, nil)
			case j.answered(ctx):
				return nil
			}
			if err := check(j.s, j.def, workflow.Now(ctx), req); err != nil {
				return err
			}
			return checkCoded(req, j.def)
		}})
}

func (j *journey) registerMigrate(ctx workflow.Context) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateMigrateVersion,
		func(ctx workflow.Context, req MigrateVersionRequest) (UpdateResult, error) {
			return j.apply(ctx, func(s *State, def *pathway.Definition) (func(*change), error) {
				target, err := checkMigrate(s, def, req)
				if err != nil || req.DryRun {
					return nil, err
				}
				return func(c *change) { c.actor = req.requester(); decideMigrate(c, target, req) }, nil
			})
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req MigrateVersionRequest) error {
			switch {
			case j.s == nil:
				if err := req.checkFields(); err != nil {
					return err
				}
				return checkCoded(req, nil)
			case j.answered(ctx):
				return nil
			}
			if _, err := checkMigrate(j.s, j.def, req); err != nil {
				return err
			}
			return checkCoded(req, j.def)
		}})
}

func (j *journey) answered(ctx workflow.Context) bool {
	_, ok := j.s.answer(workflow.GetCurrentUpdateInfo(ctx).ID)
	return ok
}

// apply runs one update under the journey's lock. plan checks the request on the current state and
// returns the decision to apply (nil: answer without changing anything, as a dry run does).
func (j *journey) apply(ctx workflow.Context, plan func(*State, *pathway.Definition) (func(*change), error)) (UpdateResult, error) {
	id := workflow.GetCurrentUpdateInfo(ctx).ID
	ctx = workflow.WithActivityOptions(ctx, activityOptions())
	if err := workflow.Await(ctx, func() bool { return j.s != nil }); err != nil {
		return UpdateResult{}, err
	}
	if err := j.mu.Lock(ctx); err != nil {
		return UpdateResult{}, err
	}
	defer j.mu.Unlock()
	if r, ok := j.s.answer(id); ok {
		return r, nil
	}
	decide, err := plan(j.s, j.def)
	if err != nil {
		return UpdateResult{}, err
	}
	c := newChange(j.s, j.def, workflow.Now(ctx), id)
	if decide != nil {
		c.gates = currentGates(ctx)
		decide(c)
		if err := j.commit(ctx, c); err != nil {
			return UpdateResult{}, err
		}
	}
	r := UpdateResult{RequestID: id, Stage: j.s.Stage, Revision: j.s.Revision, InterventionID: c.interventionID, AdmissionID: c.admissionID, Version: j.s.Version}
	if decide != nil {
		for _, e := range c.events {
			r.Events = append(r.Events, string(e.ProtoReflect().Descriptor().Name()))
		}
	}
	j.s.remember(id, r)
	return r, nil
}

func daysDuration(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
