package pathway

import (
	"fmt"
	"slices"
)

func (v *validator) sla() {
	s := v.d.SLA
	if s.Triage == nil && v.countKind(KindTriage) > 0 {
		v.add("sla.triage", "required: the pathway has a triage stage")
	}
	if s.Triage != nil {
		v.period("sla.triage", *s.Triage)
	}
	seen := map[string]bool{}
	for i, c := range s.Clocks {
		p := fmt.Sprintf("sla.clocks[%d]", i)
		v.id(p+".id", c.ID, seen)
		v.required(p+".name", c.Name)
		v.trigger(p+".starts_on", c.StartsOn)
		if len(c.StopsOn) == 0 {
			v.add(p+".stops_on", "at least one stop trigger is required")
		}
		for j, t := range c.StopsOn {
			v.trigger(fmt.Sprintf("%s.stops_on[%d]", p, j), t)
		}
		v.period(p+".within", c.Within)
	}
	if s.RTT != nil {
		v.rtt(*s.RTT)
	}
}

func (v *validator) period(p string, x Period) {
	if x.Within <= 0 {
		v.add(p+".within", "must be > 0 days, got %d", x.Within)
	}
	switch x.Days {
	case "", CalendarDays, WorkingDays:
	default:
		v.add(p+".days", "unknown day count %q (want calendar or working)", x.Days)
	}
}

func (v *validator) trigger(p string, t Trigger) {
	set := 0
	for _, f := range []string{string(t.Event), t.Stage, t.Disposition, t.Intervention} {
		if f != "" {
			set++
		}
	}
	if set != 1 {
		v.add(p, "exactly one of event, stage, disposition or intervention must be set, found %d", set)
	}
	switch {
	case t.Event != "":
		v.event(p+".event", t.Event)
	case t.Stage != "":
		v.ref(p+".stage", "stage", t.Stage, v.knownStage)
	case t.Disposition != "":
		v.ref(p+".disposition", "disposition", t.Disposition, v.knownDisposition)
	case t.Intervention != "":
		v.ref(p+".intervention", "intervention", t.Intervention, v.knownIntervention)
	}
}

func (v *validator) event(path string, e Event) {
	if !slices.Contains(Events(), e) {
		v.add(path, "unknown event %q", e)
	}
}

func (v *validator) rtt(r RTTClock) {
	if r.Weeks <= 0 {
		v.add("sla.rtt.weeks", "must be > 0, got %d", r.Weeks)
	}
	for _, e := range r.StartsOn {
		v.event("sla.rtt.starts_on", e)
	}
	if len(r.StopsOn) == 0 {
		v.add("sla.rtt.stops_on", "at least one stop event is required")
	}
	for _, e := range r.StopsOn {
		v.event("sla.rtt.stops_on", e)
	}
	for _, e := range r.NullifiedBy {
		v.event("sla.rtt.nullified_by", e)
		if slices.Contains(r.StopsOn, e) {
			v.add("sla.rtt.nullified_by", "event %q also stops the clock", e)
		}
	}
	if len(r.StartsOn) == 0 && !v.someDispositionStartsRTT() {
		v.add("sla.rtt", "nothing starts the clock: give a disposition rtt: start or list starts_on events")
	}
}

func (v *validator) someDispositionStartsRTT() bool {
	for _, x := range v.d.Dispositions {
		if x.RTT == RTTStart {
			return true
		}
	}
	return false
}

func (v *validator) discharge() {
	dr := v.d.Discharge
	v.idList("discharge.required_measures", "measure", dr.RequiredMeasures, v.knownMeasure)
	v.ascending("discharge.follow_up_months", "months", dr.FollowUpMonths)
	v.ascending("discharge.readmission_windows_days", "days", dr.ReadmissionWindowsDays)
}
