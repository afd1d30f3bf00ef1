package pathway

import (
	"fmt"
	"strconv"
)

// entityViews flatten a definition into diffable entities, area by area, in
// the order Diff reports them.
var entityViews = []func(*Definition) []entity{
	pathwayView, wayInView, stageView, transitionView, dispositionView, measureView,
	outcomeView, providerView, interventionView, slaView, dischargeView, reasonView,
}

func pathwayView(d *Definition) []entity {
	return []entity{{area: AreaPathway, id: "pathway", subject: "Pathway", facets: []facet{
		{key: "id", label: "id", value: d.ID},
		{key: "version", label: "version", value: strconv.Itoa(d.Version)},
		{key: "title", label: "title", value: d.Title},
		{key: "eog", label: "owning Expert Oversight Group", value: d.EOG},
		{key: "description", label: "description", value: d.Description},
	}}}
}

func wayInView(d *Definition) []entity {
	out := make([]entity, 0, len(d.WaysIn))
	for _, w := range d.WaysIn {
		out = append(out, entity{area: AreaWayIn, id: w.ID, path: "ways_in[" + w.ID + "]",
			subject: quoted("Way in", w.ID), describe: w.Name,
			facets: []facet{{key: "name", label: "name", value: w.Name}}})
	}
	return out
}

func stageView(d *Definition) []entity {
	out := make([]entity, 0, len(d.Stages))
	for _, s := range d.Stages {
		out = append(out, entity{area: AreaStage, id: s.ID, path: "stages[" + s.ID + "]",
			subject: quoted("Stage", s.ID), describe: s.Name + " (" + string(s.Kind) + ")",
			facets: []facet{
				{key: "name", label: "name", value: s.Name},
				{key: "kind", label: "kind", value: string(s.Kind)},
				{key: "interventions", label: "interventions", value: sortedList(s.Interventions)},
				{key: "entry_when", label: "entry rule", value: ruleText(s.EntryWhen), area: AreaEligibility},
				{key: "review_every_months", label: "review interval", value: everyMonths(s.ReviewEveryMonths)},
			}})
	}
	return out
}

func transitionView(d *Definition) []entity {
	var out []entity
	for _, s := range d.Stages {
		for _, n := range s.Next {
			out = append(out, entity{area: AreaTransition, id: s.ID + "\x00" + n,
				path:    "stages[" + s.ID + "].next[" + n + "]",
				subject: "Transition '" + s.ID + "' → '" + n + "'"})
		}
	}
	return out
}

func dispositionView(d *Definition) []entity {
	out := make([]entity, 0, len(d.Dispositions))
	for _, x := range d.Dispositions {
		out = append(out, entity{area: AreaDisposition, id: x.ID, path: "dispositions[" + x.ID + "]",
			subject: quoted("Disposition", x.ID), describe: x.Name + ", leads to stage '" + x.Stage + "'",
			facets: []facet{
				{key: "name", label: "name", value: x.Name},
				{key: "stage", label: "next stage", value: x.Stage},
				{key: "rtt", label: "RTT clock effect", value: rttEffectText(x.RTT)},
			}})
	}
	return out
}

func measureView(d *Definition) []entity {
	out := make([]entity, 0, len(d.Measures))
	for _, m := range d.Measures {
		out = append(out, entity{area: AreaMeasure, id: m.ID, path: "measures[" + m.ID + "]",
			subject: quoted("Measure", m.ID), describe: m.Name, facets: []facet{
				{key: "name", label: "name", value: m.Name},
				{key: "kind", label: "kind", value: string(m.Kind)},
				{key: "items", label: "item count", value: nonZero(m.Items)},
				{key: "scale", label: "scale", value: m.Scale},
				{key: "range", label: "score range", value: formatNumber(m.Min) + " to " + formatNumber(m.Max)},
				{key: "direction", label: "direction", value: string(m.Direction)},
				{key: "mic", label: "minimal important change", value: optionalNumber(m.MIC)},
				{key: "collect.baseline", label: "baseline stage", value: m.Collect.Baseline},
				{key: "collect.at_discharge", label: "collection at discharge", value: yes(m.Collect.AtDischarge)},
				{key: "collect.follow_up_months", label: "follow-up collection", value: intList(m.Collect.FollowUpMonths, "months")},
			}})
	}
	return out
}

func outcomeView(d *Definition) []entity {
	out := make([]entity, 0, len(d.PatientOutcomes))
	for _, o := range d.PatientOutcomes {
		out = append(out, entity{area: AreaPatientOutcome, id: o.ID, path: "patient_outcomes[" + o.ID + "]",
			subject: quoted("Patient outcome", o.ID), describe: o.Statement, facets: []facet{
				{key: "statement", label: "statement", value: o.Statement},
				{key: "measure", label: "measure", value: o.Measure},
			}})
	}
	return out
}

func providerView(d *Definition) []entity {
	out := make([]entity, 0, len(d.Providers))
	for _, p := range d.Providers {
		out = append(out, entity{area: AreaProvider, id: p.Code, path: "providers[" + p.Code + "]",
			subject: quoted("Provider", p.Code), describe: p.Name, facets: []facet{
				{key: "name", label: "name", value: p.Name},
				{key: "role", label: "role", value: p.Role},
			}})
	}
	return out
}

func interventionView(d *Definition) []entity {
	out := make([]entity, 0, len(d.Interventions))
	for _, x := range d.Interventions {
		price := FormatPence(x.UnitPricePence)
		provider := providerText(d, x.Provider)
		out = append(out, entity{area: AreaIntervention, id: x.ID, path: "interventions[" + x.ID + "]",
			subject:  quoted("Intervention", x.ID),
			describe: fmt.Sprintf("%s by %s at %s per %s", x.Name, provider, price, x.Unit),
			facets: []facet{
				{key: "name", label: "name", value: x.Name},
				{key: "provider", label: "provider", value: x.Provider, show: provider},
				{key: "unit_price_pence", label: "price", value: price},
				{key: "unit", label: "unit", value: x.Unit},
				{key: "definitive_treatment", label: "definitive treatment", value: yesNo(x.DefinitiveTreatment)},
				{key: "high_value", label: "high-value flag", value: yesNo(x.HighValue)},
				{key: "eligible_when", label: "eligibility rule", value: ruleText(x.EligibleWhen), area: AreaEligibility},
			}})
	}
	return out
}

func slaView(d *Definition) []entity {
	out := []entity{{area: AreaSLA, id: "sla.triage", path: "sla.triage", subject: "Triage SLA",
		facets: []facet{{key: "within", label: "target", value: periodText(d.SLA.Triage)}}}}
	for _, c := range d.SLA.Clocks {
		within := c.Within
		out = append(out, entity{area: AreaSLA, id: "sla.clocks." + c.ID, path: "sla.clocks[" + c.ID + "]",
			subject: quoted("SLA clock", c.ID), describe: c.Name + ", within " + periodText(&within),
			facets: []facet{
				{key: "name", label: "name", value: c.Name},
				{key: "starts_on", label: "start", value: triggerText(c.StartsOn)},
				{key: "stops_on", label: "stops", value: triggerList(c.StopsOn)},
				{key: "within", label: "target", value: periodText(&within)},
			}})
	}
	return append(out, rttView(d.SLA.RTT))
}

func rttView(r *RTTClock) entity {
	if r == nil {
		r = &RTTClock{}
	}
	return entity{area: AreaSLA, id: "sla.rtt", path: "sla.rtt", subject: "RTT clock", facets: []facet{
		{key: "weeks", label: "length", value: plural(r.Weeks, "week")},
		{key: "starts_on", label: "start events", value: eventList(r.StartsOn)},
		{key: "stops_on", label: "stop events", value: eventList(r.StopsOn)},
		{key: "nullified_by", label: "nullifying events", value: eventList(r.NullifiedBy)},
	}}
}

func dischargeView(d *Definition) []entity {
	dr := d.Discharge
	return []entity{{area: AreaDischarge, id: "discharge", path: "discharge", subject: "Discharge", facets: []facet{
		{key: "required_measures", label: "required measures", value: sortedList(dr.RequiredMeasures)},
		{key: "follow_up_months", label: "follow-up contacts", value: intList(dr.FollowUpMonths, "months")},
		{key: "readmission_windows_days", label: "readmission windows", value: intList(dr.ReadmissionWindowsDays, "days")},
	}}}
}

// reasonView lists the coded reasons a coordinator may give, as the version takes them (its own
// lists or the defaults), so moving off the defaults shows as the codes that come and go.
func reasonView(d *Definition) []entity {
	if d.ID == "" {
		return nil // the empty definition Diff compares a first version against
	}
	var out []entity
	for _, kind := range []ReasonKind{ReasonDischarge, ReasonCancel, ReasonMigrate} {
		for _, r := range d.ReasonsFor(kind) {
			out = append(out, entity{area: AreaReason, id: string(kind) + "\x00" + r.Code,
				path: "reasons." + string(kind) + "[" + r.Code + "]", subject: quoted("Reason for "+string(kind), r.Code), describe: r.Label,
				facets: []facet{{key: "label", label: "label", value: r.Label}}})
		}
	}
	return out
}
