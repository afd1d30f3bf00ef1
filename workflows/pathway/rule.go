package pathway

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Rule is a condition over recorded measures. It holds when every condition in
// All holds and, if Any is not empty, at least one condition in Any holds. A
// valid rule has at least one condition.
type Rule struct {
	All []Condition `yaml:"all,omitempty"`
	Any []Condition `yaml:"any,omitempty"`
}

// Operator compares a recorded score with a rule's value.
type Operator string

// Operators.
const (
	OpLess         Operator = "<"
	OpLessEqual    Operator = "<="
	OpEqual        Operator = "=="
	OpNotEqual     Operator = "!="
	OpGreaterEqual Operator = ">="
	OpGreater      Operator = ">"
)

var operators = []Operator{OpLess, OpLessEqual, OpEqual, OpNotEqual, OpGreaterEqual, OpGreater}

// Condition compares the score of one measure, on a named scale, with a value:
// e.g. mrc-dyspnoea on "MRC 1-5" >= 3.
type Condition struct {
	Measure string `yaml:"measure"`
	// Scale must equal the measure's scale (both may be empty).
	Scale string   `yaml:"scale,omitempty"`
	Op    Operator `yaml:"op"`
	Value float64  `yaml:"value"`
}

// Score is a recorded value of a measure, with the scale it was taken on.
type Score struct {
	Value float64
	Scale string
}

func (o Operator) holds(a, b float64) bool {
	switch o {
	case OpLess:
		return a < b
	case OpLessEqual:
		return a <= b
	case OpEqual:
		return a == b
	case OpNotEqual:
		return a != b
	case OpGreaterEqual:
		return a >= b
	case OpGreater:
		return a > b
	}
	return false
}

// String renders the condition as reviewers read it, e.g.
// `mrc-dyspnoea >= 3 (MRC 1-5)`.
func (c Condition) String() string {
	s := c.Measure + " " + string(c.Op) + " " + formatNumber(c.Value)
	if c.Scale != "" {
		s += " (" + c.Scale + ")"
	}
	return s
}

// String renders the rule, e.g. `a >= 1 and (b < 2 or c == 0)`.
func (r Rule) String() string {
	all := joinConditions(r.All, " and ")
	anyOf := joinConditions(r.Any, " or ")
	switch {
	case all == "":
		return anyOf
	case anyOf == "":
		return all
	case len(r.Any) == 1:
		return all + " and " + anyOf
	default:
		return all + " and (" + anyOf + ")"
	}
}

func joinConditions(cs []Condition, sep string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, sep)
}

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
		if ok, why := d.check(c, scores); ok {
			return true, []string{why}
		} else {
			failed = append(failed, why)
		}
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

func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
