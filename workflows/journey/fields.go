package journey

import "fmt"

// Field checks are the rules of a request that need neither the journey nor its pinned pathway
// version. Validators apply them to requests arriving before the journey has pinned its version
// (the handler then waits for the pin and checks fully); once it is pinned, the full checks apply.

func (r TriageRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	return requireText("disposition", r.Disposition)
}

func (r ScheduleInterventionRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	if err := requireText("intervention", r.Intervention); err != nil {
		return err
	}
	if r.ScheduledFor.IsZero() {
		return invalidRequest("scheduledFor", "is required")
	}
	return nil
}

func (r InterventionRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	return requireText("interventionId", r.InterventionID)
}

func (r OutcomeRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	if err := requireText("collectionPoint", r.CollectionPoint); err != nil {
		return err
	}
	if len(r.Measures) == 0 {
		return invalidRequest("measures", "at least one measure is required")
	}
	return nil
}

func (r DischargeRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	return requireText("reason", r.Reason)
}

func (r CancelRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	return requireText("reason", r.Reason)
}

func (r AdmissionRequest) checkFields() error { return checkAdmissionFields(r) }

func (r MigrateVersionRequest) checkFields() error {
	if err := requireText("requestedBy", r.RequestedBy); err != nil {
		return err
	}
	if err := requireText("reason", r.Reason); err != nil {
		return err
	}
	if r.TargetVersion < 1 {
		return invalidRequest("targetVersion", fmt.Sprintf("must be a version number (1 or more), got %d", r.TargetVersion))
	}
	return requireText("definitionYaml", r.DefinitionYAML)
}

// fieldChecked is a request with field checks, made by someone (its RequestedBy).
type fieldChecked interface {
	checkFields() error
	requester() string
}

func (r TriageRequest) requester() string               { return r.RequestedBy }
func (r ScheduleInterventionRequest) requester() string { return r.RequestedBy }
func (r InterventionRequest) requester() string         { return r.RequestedBy }
func (r OutcomeRequest) requester() string              { return r.RequestedBy }
func (r DischargeRequest) requester() string            { return r.RequestedBy }
func (r CancelRequest) requester() string               { return r.RequestedBy }
func (r AdmissionRequest) requester() string            { return r.RequestedBy }
func (r MigrateVersionRequest) requester() string       { return r.RequestedBy }
