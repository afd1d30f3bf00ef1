package pathway

// Stage returns the stage with the id.
func (d *Definition) Stage(id string) (Stage, bool) {
	for _, s := range d.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return Stage{}, false
}

// EntryStage returns the referral stage every journey starts in.
func (d *Definition) EntryStage() (Stage, bool) {
	for _, s := range d.Stages {
		if s.Kind == KindReferral {
			return s, true
		}
	}
	return Stage{}, false
}

// NextStages returns the ids of the stages a journey may move to from the
// stage, in authored order; nil for an unknown or terminal stage.
func (d *Definition) NextStages(id string) []string {
	s, ok := d.Stage(id)
	if !ok || len(s.Next) == 0 {
		return nil
	}
	return append([]string(nil), s.Next...)
}

// CanTransition reports whether a journey may move from one stage to another.
func (d *Definition) CanTransition(from, to string) bool {
	for _, n := range d.NextStages(from) {
		if n == to {
			return true
		}
	}
	return false
}

// IsTerminal reports whether the stage is a discharge stage.
func (d *Definition) IsTerminal(id string) bool {
	s, ok := d.Stage(id)
	return ok && s.Kind == KindDischarge
}

// Disposition returns the triage disposition with the id.
func (d *Definition) Disposition(id string) (Disposition, bool) {
	for _, x := range d.Dispositions {
		if x.ID == id {
			return x, true
		}
	}
	return Disposition{}, false
}

// Intervention returns the intervention with the id.
func (d *Definition) Intervention(id string) (Intervention, bool) {
	for _, x := range d.Interventions {
		if x.ID == id {
			return x, true
		}
	}
	return Intervention{}, false
}

// Provider returns the provider with the ODS-style code.
func (d *Definition) Provider(code string) (Provider, bool) {
	for _, x := range d.Providers {
		if x.Code == code {
			return x, true
		}
	}
	return Provider{}, false
}

// Measure returns the measure with the id.
func (d *Definition) Measure(id string) (Measure, bool) {
	for _, x := range d.Measures {
		if x.ID == id {
			return x, true
		}
	}
	return Measure{}, false
}

// Clock returns the SLA clock with the id.
func (d *Definition) Clock(id string) (Clock, bool) {
	for _, x := range d.SLA.Clocks {
		if x.ID == id {
			return x, true
		}
	}
	return Clock{}, false
}

// InterventionsAt returns the interventions that may be delivered in the stage,
// in the stage's authored order.
func (d *Definition) InterventionsAt(stageID string) []Intervention {
	s, ok := d.Stage(stageID)
	if !ok {
		return nil
	}
	var out []Intervention
	for _, id := range s.Interventions {
		if iv, ok := d.Intervention(id); ok {
			out = append(out, iv)
		}
	}
	return out
}
