package pathway

import (
	"fmt"
	"math"
)

// check evaluates one condition: whether it holds and a reason either way. A
// score that is missing, on another scale or outside the measure's range never
// satisfies a condition.
func (d *Definition) check(c Condition, scores map[string]Score) (bool, string) {
	m, ok := d.Measure(c.Measure)
	if !ok {
		return false, fmt.Sprintf("rule names unknown measure %q", c.Measure)
	}
	s, ok := scores[c.Measure]
	if !ok {
		return false, fmt.Sprintf("no %s score recorded (needed: %s)", m.Name, c)
	}
	if s.Scale != m.Scale {
		return false, fmt.Sprintf("%s recorded on scale %q, but the rule needs scale %q", m.Name, s.Scale, m.Scale)
	}
	if math.IsNaN(s.Value) || s.Value < m.Min || s.Value > m.Max {
		return false, fmt.Sprintf("%s score %s is outside the range %s to %s", m.Name,
			formatNumber(s.Value), formatNumber(m.Min), formatNumber(m.Max))
	}
	if c.Op.holds(s.Value, c.Value) {
		return true, fmt.Sprintf("%s %s: meets %s", m.Name, formatNumber(s.Value), c)
	}
	return false, fmt.Sprintf("%s %s: does not meet %s", m.Name, formatNumber(s.Value), c)
}

// evaluate reports whether the rule holds on the scores, with one reason per
// condition that decided it, in rule order. A nil rule always holds.
func (d *Definition) evaluate(r *Rule, scores map[string]Score) (bool, []string) {
	if r == nil {
		return true, nil
	}
	var met, unmet []string
	for _, c := range r.All {
		if ok, why := d.check(c, scores); ok {
			met = append(met, why)
		} else {
			unmet = append(unmet, why)
		}
	}
	anyMet, anyReasons := d.evaluateAny(r.Any, scores)
	if anyMet {
		met = append(met, anyReasons...)
	} else {
		unmet = append(unmet, anyReasons...)
	}
	if len(unmet) > 0 {
		return false, unmet
	}
	return true, met
}

func (d *Definition) evaluateAny(cs []Condition, scores map[string]Score) (bool, []string) {
	if len(cs) == 0 {
		return true, nil
	}
	var failed []string
	for _, c := range cs {
		ok, why := d.check(c, scores)
		if ok {
			return true, []string{why}
		}
		failed = append(failed, why)
	}
	return false, failed
}

// Eligible reports whether the intervention may be offered given the recorded
// scores (keyed by measure id), with the reasons that decided it: the unmet
// conditions when not eligible, the met ones when eligible. An unknown
// intervention is never eligible.
func (d *Definition) Eligible(interventionID string, scores map[string]Score) (bool, []string) {
	iv, ok := d.Intervention(interventionID)
	if !ok {
		return false, []string{fmt.Sprintf("unknown intervention %q", interventionID)}
	}
	return d.evaluate(iv.EligibleWhen, scores)
}

// CanEnter reports whether a journey may enter the stage given the recorded
// scores, with reasons as for Eligible. An unknown stage can never be entered.
func (d *Definition) CanEnter(stageID string, scores map[string]Score) (bool, []string) {
	st, ok := d.Stage(stageID)
	if !ok {
		return false, []string{fmt.Sprintf("unknown stage %q", stageID)}
	}
	return d.evaluate(st.EntryWhen, scores)
}
