package pathway

import (
	"fmt"
	"regexp"
	"strings"
)

// Problem is one rule a document breaks, at a path such as "stages[3].next".
type Problem struct {
	Path string
	Rule string
}

// String renders the problem as "path: rule".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Rule
	}
	return p.Path + ": " + p.Rule
}

// ValidationError lists every problem found in a document, in document order.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems one per line, e.g.
// `stages[3].next: unknown stage "physio"`.
func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	lines = append(lines, fmt.Sprintf("invalid pathway definition (%d %s):", len(e.Problems), noun))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

var odsPattern = regexp.MustCompile(`^[A-Z0-9]{3,6}$`)

// validator collects problems. Its maps are used for membership only, never
// iterated, so the order of problems is the order of the checks.
type validator struct {
	d             *Definition
	problems      []Problem
	stages        map[string]Stage
	measures      map[string]Measure
	dispositions  map[string]bool
	interventions map[string]bool
	providers     map[string]bool
}

// Validate checks the definition and reports every problem at once as a
// *ValidationError; it returns nil for a valid definition.
func (d *Definition) Validate() error {
	if d == nil {
		return &ValidationError{Problems: []Problem{{Path: "document", Rule: "missing"}}}
	}
	v := newValidator(d)
	v.header()
	v.waysIn()
	v.stageList()
	v.graph()
	v.dispositionList()
	v.measureList()
	v.outcomeList()
	v.providerList()
	v.interventionList()
	v.sla()
	v.discharge()
	v.reasons()
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

func newValidator(d *Definition) *validator {
	v := &validator{d: d, stages: map[string]Stage{}, measures: map[string]Measure{},
		dispositions: map[string]bool{}, interventions: map[string]bool{}, providers: map[string]bool{}}
	for _, s := range d.Stages {
		if _, dup := v.stages[s.ID]; !dup {
			v.stages[s.ID] = s
		}
	}
	for _, m := range d.Measures {
		if _, dup := v.measures[m.ID]; !dup {
			v.measures[m.ID] = m
		}
	}
	for _, x := range d.Dispositions {
		v.dispositions[x.ID] = true
	}
	for _, x := range d.Interventions {
		v.interventions[x.ID] = true
	}
	for _, x := range d.Providers {
		v.providers[x.Code] = true
	}
	return v
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Rule: fmt.Sprintf(format, args...)})
}

func (v *validator) header() {
	if v.d.ID == "" {
		v.add("id", "required")
	} else if err := CheckID(v.d.ID); err != nil {
		v.add("id", "%v", err)
	}
	if v.d.Version < 1 {
		v.add("version", "must be >= 1, got %d", v.d.Version)
	}
	v.required("title", v.d.Title)
	v.required("eog", v.d.EOG)
}

func (v *validator) waysIn() {
	if len(v.d.WaysIn) == 0 {
		v.add("ways_in", "at least one way in is required")
	}
	seen := map[string]bool{}
	for i, w := range v.d.WaysIn {
		p := fmt.Sprintf("ways_in[%d]", i)
		v.id(p+".id", w.ID, seen)
		v.required(p+".name", w.Name)
	}
}

func (v *validator) required(path, value string) {
	if strings.TrimSpace(value) == "" {
		v.add(path, "required")
	}
}

// id checks an identifier is present, well formed and not seen before.
func (v *validator) id(path, id string, seen map[string]bool) {
	if id == "" {
		v.add(path, "required")
	} else if err := CheckID(id); err != nil {
		v.add(path, "%v", err)
	} else if seen[id] {
		v.add(path, "duplicate id %q", id)
	}
	seen[id] = true
}

// ref checks a reference to an entry of a list is present and known.
func (v *validator) ref(path, noun, id string, known func(string) bool) {
	switch {
	case id == "":
		v.add(path, "required")
	case !known(id):
		v.add(path, "unknown %s %q", noun, id)
	}
}

func (v *validator) knownStage(id string) bool       { _, ok := v.stages[id]; return ok }
func (v *validator) knownMeasure(id string) bool     { _, ok := v.measures[id]; return ok }
func (v *validator) knownDisposition(id string) bool { return v.dispositions[id] }
func (v *validator) knownIntervention(id string) bool {
	return v.interventions[id]
}
func (v *validator) knownProvider(code string) bool { return v.providers[code] }

// ascending checks a list of positive integers is strictly ascending.
func (v *validator) ascending(path, unit string, xs []int) {
	for i, x := range xs {
		if x <= 0 {
			v.add(path, "must be > 0 %s, got %d", unit, x)
			continue
		}
		if i > 0 && x <= xs[i-1] {
			v.add(path, "must be ascending without repeats, got %d after %d", x, xs[i-1])
		}
	}
}
