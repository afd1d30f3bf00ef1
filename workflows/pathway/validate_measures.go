package pathway

import (
	"fmt"
	"math"
	"slices"
)

func (v *validator) measureList() {
	seen := map[string]bool{}
	for i, m := range v.d.Measures {
		p := fmt.Sprintf("measures[%d]", i)
		v.id(p+".id", m.ID, seen)
		v.required(p+".name", m.Name)
		v.measureKind(p, m)
		v.scoreRange(p, m)
		v.direction(p+".direction", m.Direction)
		v.mic(p+".mic", m)
		v.schedule(p+".collect", m.Collect)
	}
}

func (v *validator) measureKind(p string, m Measure) {
	switch {
	case m.Kind == "":
		v.add(p+".kind", "required")
	case !slices.Contains(measureKinds, m.Kind):
		v.add(p+".kind", "unknown kind %q (want prom, clinical or derived)", m.Kind)
	}
	switch {
	case m.Items < 0:
		v.add(p+".items", "must be >= 0, got %d", m.Items)
	case m.Kind == MeasurePROM && m.Items == 0:
		v.add(p+".items", "required for a PROM: the number of questionnaire items")
	}
}

func (v *validator) scoreRange(p string, m Measure) {
	minOK := v.finite(p+".min", m.Min)
	maxOK := v.finite(p+".max", m.Max)
	if minOK && maxOK && m.Min >= m.Max {
		v.add(p+".min", "must be less than max (min %s, max %s)", formatNumber(m.Min), formatNumber(m.Max))
	}
}

func (v *validator) finite(path string, x float64) bool {
	if err := CheckFinite(x); err != nil {
		v.add(path, "%v", err)
		return false
	}
	return true
}

func (v *validator) direction(path string, d Direction) {
	switch d {
	case HigherIsBetter, LowerIsBetter:
	case "":
		v.add(path, "required (higher-is-better or lower-is-better)")
	default:
		v.add(path, "unknown direction %q (want higher-is-better or lower-is-better)", d)
	}
}

func (v *validator) mic(path string, m Measure) {
	if m.MIC == nil || !v.finite(path, *m.MIC) {
		return
	}
	mic := *m.MIC
	span := m.Max - m.Min
	switch {
	case mic <= 0:
		v.add(path, "must be > 0, got %s", formatNumber(mic))
	case span > 0 && !math.IsInf(span, 0) && mic > span:
		v.add(path, "must not exceed the score range of %s, got %s", formatNumber(span), formatNumber(mic))
	}
}

func (v *validator) schedule(p string, s Schedule) {
	if s.Baseline != "" && !v.knownStage(s.Baseline) {
		v.add(p+".baseline", "unknown stage %q", s.Baseline)
	}
	v.ascending(p+".follow_up_months", "months", s.FollowUpMonths)
	for _, m := range s.FollowUpMonths {
		if m > 0 && !slices.Contains(v.d.Discharge.FollowUpMonths, m) {
			v.add(p+".follow_up_months", "month %d is not a follow-up contact in discharge.follow_up_months", m)
		}
	}
}

func (v *validator) outcomeList() {
	seen := map[string]bool{}
	for i, o := range v.d.PatientOutcomes {
		p := fmt.Sprintf("patient_outcomes[%d]", i)
		v.id(p+".id", o.ID, seen)
		v.required(p+".statement", o.Statement)
		v.ref(p+".measure", "measure", o.Measure, v.knownMeasure)
	}
}

// rule checks a rule has conditions and that each names a known measure, on
// the measure's scale, with a value inside the measure's range.
func (v *validator) rule(p string, r Rule) {
	if len(r.All)+len(r.Any) == 0 {
		v.add(p, "needs at least one condition in all or any")
	}
	for i, c := range r.All {
		v.condition(fmt.Sprintf("%s.all[%d]", p, i), c)
	}
	for i, c := range r.Any {
		v.condition(fmt.Sprintf("%s.any[%d]", p, i), c)
	}
}

func (v *validator) condition(p string, c Condition) {
	v.ref(p+".measure", "measure", c.Measure, v.knownMeasure)
	if !slices.Contains(operators, c.Op) {
		v.add(p+".op", "unknown operator %q (want <, <=, ==, !=, >= or >)", c.Op)
	}
	valueOK := v.finite(p+".value", c.Value)
	m, ok := v.measures[c.Measure]
	if !ok {
		return
	}
	if c.Scale != m.Scale {
		v.add(p+".scale", "scale %q does not match measure %q scale %q", c.Scale, m.ID, m.Scale)
	}
	if valueOK && m.Min < m.Max && (c.Value < m.Min || c.Value > m.Max) {
		v.add(p+".value", "%s is outside measure %q range %s to %s",
			formatNumber(c.Value), m.ID, formatNumber(m.Min), formatNumber(m.Max))
	}
}

func (v *validator) providerList() {
	seen := map[string]bool{}
	for i, x := range v.d.Providers {
		p := fmt.Sprintf("providers[%d]", i)
		switch {
		case x.Code == "":
			v.add(p+".code", "required")
		case !odsPattern.MatchString(x.Code):
			v.add(p+".code", "must be an ODS-style code (3 to 6 upper-case letters or digits), got %q", x.Code)
		case seen[x.Code]:
			v.add(p+".code", "duplicate code %q", x.Code)
		}
		seen[x.Code] = true
		v.required(p+".name", x.Name)
	}
}

func (v *validator) offered(interventionID string) bool {
	for _, s := range v.d.Stages {
		if slices.Contains(s.Interventions, interventionID) {
			return true
		}
	}
	return false
}

func (v *validator) interventionList() {
	seen := map[string]bool{}
	for i, x := range v.d.Interventions {
		p := fmt.Sprintf("interventions[%d]", i)
		v.id(p+".id", x.ID, seen)
		v.required(p+".name", x.Name)
		v.ref(p+".provider", "provider", x.Provider, v.knownProvider)
		if x.UnitPricePence <= 0 {
			v.add(p+".unit_price_pence", "must be > 0 pence, got %d", x.UnitPricePence)
		}
		v.required(p+".unit", x.Unit)
		if x.ID != "" && len(v.d.Stages) > 0 && !v.offered(x.ID) {
			v.add(p, "not offered at any stage: list it in a stage's interventions")
		}
		if x.EligibleWhen != nil {
			v.rule(p+".eligible_when", *x.EligibleWhen)
		}
	}
}
