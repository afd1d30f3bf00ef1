package pathway

import (
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

func formatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
