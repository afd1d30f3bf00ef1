package app

import (
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
)

// Viewer is who figures are answered for.
type Viewer struct {
	// PatientLevel is true for people with patient-level access (coordinators, auditors): they
	// get exact counts. Everyone else gets the disclosure rule applied.
	PatientLevel bool
}

// ruleFor is the rule a viewer's figures follow.
func (a *App) ruleFor(v Viewer) disclosure.Rule {
	if v.PatientLevel {
		return disclosure.Exact()
	}
	return a.rule
}

// disclosureOf describes the treatment of a viewer's counts (the page's footnote).
func (a *App) disclosureOf(v Viewer) *dashboardv1.Disclosure {
	d := &dashboardv1.Disclosure{Applied: !v.PatientLevel && a.rule.Applies(), SuppressMin: a.rule.SuppressMin,
		SuppressMax: a.rule.SuppressMax, RoundingBase: a.rule.RoundTo, Note: a.rule.Note()}
	if v.PatientLevel && a.rule.Applies() {
		d.Note = "Counts are exact: you have patient-level access. For everyone else: " + a.rule.Note()
	}
	return d
}

// discloser builds a disclosure.Table over an answer's counts and writes back what may be shown.
type discloser struct {
	t    disclosure.Table
	back []func()
}

// count registers *v as a count; after apply, *v is as shown and *hidden says if withheld.
func (d *discloser) count(v *int64, hidden *bool) disclosure.Cell {
	c := d.t.Count(*v)
	d.back = append(d.back, func() { *v, *hidden = d.t.Shown(c) })
	return c
}

// value registers *v as a figure that is not a count (money): withheld only with its leader.
func (d *discloser) value(leader disclosure.Cell, v *int64, hidden *bool) {
	c := d.t.Value(*v)
	d.t.Follow(leader, c)
	d.back = append(d.back, func() { *v, *hidden = d.t.Shown(c) })
}

// withheld runs hide after apply when leader is withheld (means over its people).
func (d *discloser) withheld(leader disclosure.Cell, hide func()) {
	d.back = append(d.back, func() {
		if d.t.Suppressed(leader) {
			hide()
		}
	})
}

// share registers a share: its percent from the true counts, then its cells.
func (d *discloser) share(s *dashboardv1.Share) disclosure.ShareCells {
	if s.Total > 0 {
		s.Percent, s.HasPercent = 100*float64(s.Count)/float64(s.Total), true
	}
	cells := d.t.Share(s.Count, s.Total)
	d.back = append(d.back, func() {
		var pct bool
		s.Count, s.Total, s.CountSuppressed, s.TotalSuppressed, pct = d.t.ShareShown(cells)
		if !pct {
			s.Percent, s.HasPercent = 0, false
		}
	})
	return cells
}

// same says two cells hold the same number shown twice: each is withheld with the other.
func (d *discloser) same(a, b disclosure.Cell) {
	d.t.Follow(a, b)
	d.t.Follow(b, a)
}

func (d *discloser) sameShare(a, b disclosure.ShareCells) {
	d.same(a.Count, b.Count)
	d.same(a.Total, b.Total)
	d.same(a.Rest, b.Rest)
}

// sumShares says the shares' counts, totals and complements add up to total's.
func (d *discloser) sumShares(total disclosure.ShareCells, parts []disclosure.ShareCells) {
	var counts, totals, rests []disclosure.Cell
	for _, p := range parts {
		counts, totals, rests = append(counts, p.Count), append(totals, p.Total), append(rests, p.Rest)
	}
	d.t.Sum(total.Count, counts...)
	d.t.Sum(total.Total, totals...)
	d.t.Sum(total.Rest, rests...)
}

func (d *discloser) apply(r disclosure.Rule) {
	d.t.Disclose(r)
	for _, f := range d.back {
		f()
	}
}
