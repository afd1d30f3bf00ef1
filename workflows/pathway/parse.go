package pathway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse decodes one YAML document strictly (an unknown or misspelt field is an
// error) and validates it. Every problem, whether in the YAML or in the
// pathway, is reported as a *ValidationError. Empty lists are normalised to
// nil so that Parse(YAML(d)) equals d.
func Parse(doc []byte) (*Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	// yaml.v3 decodes by reflection; workflowcheck flags reflect.Value.Set
	// (through its panic path into the runtime), but the same bytes always
	// decode to the same value, so the decode is deterministic.
	err := dec.Decode(&d) //workflowcheck:ignore
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ValidationError{Problems: []Problem{{Path: "document", Rule: "empty: expected a pathway definition"}}}
		}
		return nil, &ValidationError{Problems: decodeProblems(err)}
	}
	var extra yaml.Node
	err = dec.Decode(&extra) //workflowcheck:ignore
	switch {
	case err == nil:
		return nil, &ValidationError{Problems: []Problem{{Path: "document", Rule: "holds more than one YAML document"}}}
	case !errors.Is(err, io.EOF):
		return nil, &ValidationError{Problems: decodeProblems(err)}
	}
	d.normalize()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// YAML encodes the definition as canonical YAML: fields in declaration order,
// lists in authored order, two-space indent, empty optional fields left out.
// Comments in an authored file are not kept.
func (d *Definition) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	// Deterministic for the same reason as decoding: see Parse.
	if err := enc.Encode(d); err != nil { //workflowcheck:ignore
		return nil, fmt.Errorf("encode pathway %s v%d: %w", d.ID, d.Version, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode pathway %s v%d: %w", d.ID, d.Version, err)
	}
	return buf.Bytes(), nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decodeProblems turns a yaml.v3 error into problems located by line.
func decodeProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			out = append(out, Problem{Path: "line " + g[1], Rule: friendlyYAML(g[2])})
			continue
		}
		out = append(out, Problem{Path: "document", Rule: strings.TrimPrefix(m, "yaml: ")})
	}
	return out
}

var unknownField = regexp.MustCompile(`^field (\S+) not found in type pathway\.(\w+)$`)

func friendlyYAML(msg string) string {
	if g := unknownField.FindStringSubmatch(msg); g != nil {
		return fmt.Sprintf("unknown field %q in %s", g[1], g[2])
	}
	return msg
}

// normalize turns empty lists into nil, so that equal content compares equal
// however the document spelt an empty list.
func (d *Definition) normalize() {
	d.WaysIn = nilIfEmpty(d.WaysIn)
	d.Stages = nilIfEmpty(d.Stages)
	for i := range d.Stages {
		s := &d.Stages[i]
		s.Next = nilIfEmpty(s.Next)
		s.Interventions = nilIfEmpty(s.Interventions)
		s.EntryWhen.normalize()
	}
	d.Dispositions = nilIfEmpty(d.Dispositions)
	d.Measures = nilIfEmpty(d.Measures)
	for i := range d.Measures {
		d.Measures[i].Collect.FollowUpMonths = nilIfEmpty(d.Measures[i].Collect.FollowUpMonths)
	}
	d.PatientOutcomes = nilIfEmpty(d.PatientOutcomes)
	d.Providers = nilIfEmpty(d.Providers)
	d.Interventions = nilIfEmpty(d.Interventions)
	for i := range d.Interventions {
		d.Interventions[i].EligibleWhen.normalize()
	}
	d.SLA.normalize()
	d.Discharge.RequiredMeasures = nilIfEmpty(d.Discharge.RequiredMeasures)
	d.Discharge.FollowUpMonths = nilIfEmpty(d.Discharge.FollowUpMonths)
	d.Discharge.ReadmissionWindowsDays = nilIfEmpty(d.Discharge.ReadmissionWindowsDays)
}

func (r *Rule) normalize() {
	if r != nil {
		r.All = nilIfEmpty(r.All)
		r.Any = nilIfEmpty(r.Any)
	}
}

func (s *SLA) normalize() {
	s.Clocks = nilIfEmpty(s.Clocks)
	for i := range s.Clocks {
		s.Clocks[i].StopsOn = nilIfEmpty(s.Clocks[i].StopsOn)
	}
	if s.RTT != nil {
		s.RTT.StartsOn = nilIfEmpty(s.RTT.StartsOn)
		s.RTT.StopsOn = nilIfEmpty(s.RTT.StopsOn)
		s.RTT.NullifiedBy = nilIfEmpty(s.RTT.NullifiedBy)
	}
}

func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}
