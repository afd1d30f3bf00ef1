package adapters

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Documents implements app.Documents with the pathway definition model. It holds no state.
type Documents struct{}

var _ app.Documents = Documents{}

// Parse validates a document; every problem becomes a field violation on
// "document_yaml.<path>" ("document_yaml" for problems with the document as a whole).
func (Documents) Parse(yaml []byte) (domain.Document, error) {
	d, err := pathway.Parse(yaml)
	if err != nil {
		return domain.Document{}, problems(err)
	}
	return document(d)
}

// Renumber returns the document with another version number.
func (Documents) Renumber(yaml []byte, version int) (domain.Document, error) {
	d, err := pathway.Parse(yaml)
	if err != nil {
		return domain.Document{}, fmt.Errorf("renumber stored document: %w", err)
	}
	d.Version = version
	return document(d)
}

// Diff compares two documents; an empty one is an empty pathway. The version number is left out:
// the registry assigns it, so it differs between any two versions and is not a change to review.
func (Documents) Diff(from, to []byte) (app.Diff, error) {
	a, err := parseStored(from)
	if err != nil {
		return app.Diff{}, err
	}
	b, err := parseStored(to)
	if err != nil {
		return app.Diff{}, err
	}
	var changes pathway.Changes
	for _, c := range pathway.Diff(a, b).Items {
		if c.Area != pathway.AreaPathway || c.Path != "version" {
			changes.Items = append(changes.Items, c)
		}
	}
	out := app.Diff{Text: changes.Text()}
	for _, c := range changes.Items {
		out.Changes = append(out.Changes, app.Change{Kind: string(c.Kind), Area: string(c.Area), Path: c.Path,
			Before: c.Before, After: c.After, Summary: c.Summary})
	}
	return out, nil
}

// Summary counts the main parts of a document.
func (Documents) Summary(yaml []byte) (app.Summary, error) {
	d, err := parseStored(yaml)
	if err != nil || d == nil {
		return app.Summary{}, err
	}
	return app.Summary{Title: d.Title, OwningEOG: d.EOG, Counts: map[string]int{
		"ways_in":          len(d.WaysIn),
		"stages":           len(d.Stages),
		"dispositions":     len(d.Dispositions),
		"measures":         len(d.Measures),
		"patient_outcomes": len(d.PatientOutcomes),
		"providers":        len(d.Providers),
		"interventions":    len(d.Interventions),
	}}, nil
}

// Builtin returns the shipped versions.
func (Documents) Builtin() ([]domain.Document, error) {
	var out []domain.Document
	for _, d := range pathway.Builtin() {
		doc, err := document(d)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, nil
}

func parseStored(yaml []byte) (*pathway.Definition, error) {
	if len(yaml) == 0 {
		return nil, nil
	}
	d, err := pathway.Parse(yaml)
	if err != nil {
		return nil, fmt.Errorf("parse stored document: %w", err)
	}
	return d, nil
}

func document(d *pathway.Definition) (domain.Document, error) {
	y, err := d.YAML()
	if err != nil {
		return domain.Document{}, fmt.Errorf("canonical document: %w", err)
	}
	return domain.Document{PathwayID: d.ID, Version: d.Version, Title: d.Title, OwningEOG: d.EOG, YAML: y}, nil
}

func problems(err error) error {
	var ve *pathway.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("parse document: %w", err)
	}
	var vs domain.Violations
	for _, p := range ve.Problems {
		switch {
		case p.Path == "" || p.Path == "document":
			vs.Add(domain.DocumentField, "%s", p.Rule)
		case strings.HasPrefix(p.Path, "line "):
			vs.Add(domain.DocumentField, "%s: %s", p.Path, p.Rule)
		default:
			vs.Add(domain.DocumentField+"."+p.Path, "%s", p.Rule)
		}
	}
	return vs.Err()
}
