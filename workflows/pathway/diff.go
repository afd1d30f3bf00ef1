package pathway

import "strings"

// ChangeKind says whether something was added, removed or changed.
type ChangeKind string

// Change kinds.
const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
)

// Area says which part of a pathway a change touches.
type Area string

// Areas, in the order Diff reports them.
const (
	AreaPathway        Area = "pathway"
	AreaWayIn          Area = "way-in"
	AreaStage          Area = "stage"
	AreaTransition     Area = "transition"
	AreaDisposition    Area = "disposition"
	AreaMeasure        Area = "measure"
	AreaPatientOutcome Area = "patient-outcome"
	AreaProvider       Area = "provider"
	AreaIntervention   Area = "intervention"
	AreaEligibility    Area = "eligibility"
	AreaSLA            Area = "sla"
	AreaDischarge      Area = "discharge"
	AreaReason         Area = "reason"
)

// Change is one semantic difference between two versions. Path locates it by
// id (e.g. "interventions[physio-f2f].unit_price_pence"); Before and After
// render the values as a reviewer reads them (prices in pounds); Summary is a
// sentence for the review.
type Change struct {
	Kind    ChangeKind
	Area    Area
	Path    string
	Before  string
	After   string
	Summary string
}

// Changes is a semantic diff, in a deterministic order: by area as listed
// above; within an area, entries in the order of the earlier version (changed
// or removed), then entries new in the later version in its order.
type Changes struct {
	Items []Change
}

// Empty reports whether the versions are the same in substance.
func (c Changes) Empty() bool { return len(c.Items) == 0 }

// Text renders the changes for a clinical review, one per line.
func (c Changes) Text() string {
	if c.Empty() {
		return "No changes.\n"
	}
	var b strings.Builder
	for _, ch := range c.Items {
		b.WriteString("- ")
		b.WriteString(ch.Summary)
		b.WriteString("\n")
	}
	return b.String()
}

// Diff compares two versions of a pathway. A nil definition is treated as
// empty, so Diff(nil, d) lists everything in d as added.
func Diff(from, to *Definition) Changes {
	if from == nil {
		from = &Definition{}
	}
	if to == nil {
		to = &Definition{}
	}
	var out []Change
	for _, view := range entityViews {
		out = append(out, diffEntities(view(from), view(to))...)
	}
	return Changes{Items: out}
}

// entity is a diffable thing: a stage, a transition, an intervention, the
// triage SLA... flattened into facets rendered as reviewers read them.
type entity struct {
	area     Area
	id       string
	path     string
	subject  string // e.g. "Intervention 'physio-f2f'"
	describe string // what it is, for added/removed
	facets   []facet
}

// facet is one reviewable property, compared by value. An empty value means
// not set. show, when set, is what reviewers see instead of the value.
type facet struct {
	key, label, value, show string
	area                    Area // overrides the entity's area when set
}

func (f facet) shown() string {
	if f.show != "" {
		return f.show
	}
	return f.value
}

func diffEntities(from, to []entity) []Change {
	var out []Change
	for _, a := range from {
		b, ok := findEntity(to, a.id)
		if !ok {
			out = append(out, Change{Kind: Removed, Area: a.area, Path: a.path, Before: a.describe,
				Summary: sentence(a.subject, "removed", a.describe)})
			continue
		}
		out = append(out, diffFacets(a, b)...)
	}
	for _, b := range to {
		if _, ok := findEntity(from, b.id); !ok {
			out = append(out, Change{Kind: Added, Area: b.area, Path: b.path, After: b.describe,
				Summary: sentence(b.subject, "added", b.describe)})
		}
	}
	return out
}

func sentence(subject, verb, describe string) string {
	if describe == "" {
		return subject + " " + verb
	}
	return subject + " " + verb + ": " + describe
}

func findEntity(es []entity, id string) (entity, bool) {
	for _, e := range es {
		if e.id == id {
			return e, true
		}
	}
	return entity{}, false
}

func diffFacets(a, b entity) []Change {
	var out []Change
	for _, fa := range a.facets {
		fb := findFacet(b.facets, fa.key)
		if fa.value == fb.value {
			continue
		}
		area := a.area
		if fa.area != "" {
			area = fa.area
		}
		out = append(out, Change{Kind: Changed, Area: area, Path: joinPath(a.path, fa.key),
			Before: fa.shown(), After: fb.shown(), Summary: changeSentence(a.subject, fa.label, fa.shown(), fb.shown())})
	}
	return out
}

func findFacet(fs []facet, key string) facet {
	for _, f := range fs {
		if f.key == key {
			return f
		}
	}
	return facet{key: key}
}

func changeSentence(subject, label, before, after string) string {
	switch {
	case before == "":
		return subject + " " + label + " set to " + after
	case after == "":
		return subject + " " + label + " removed (was " + before + ")"
	default:
		return subject + " " + label + " changed from " + before + " to " + after
	}
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}
