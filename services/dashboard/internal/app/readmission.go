package app

import (
	"context"
	"slices"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// NoReadmissionWindowsReason says why readmission figures are not shown for a scope.
const NoReadmissionWindowsReason = "not available: no pathway in scope defines a readmission window"

// readmissions answers the readmission figures of the windows the pathways in scope define
// (see domain.WindowClosed and the query contract for the definition).
func (a *App) readmissions(ctx context.Context, f domain.Filter, b Buckets, pathways []string) (*dashboardv1.Readmissions, error) {
	byWindow := map[int][]string{}
	var union []string
	for _, p := range pathways {
		for _, w := range a.catalog.ReadmissionWindows(p) {
			byWindow[w] = append(byWindow[w], p)
		}
		if len(a.catalog.ReadmissionWindows(p)) > 0 {
			union = append(union, p)
		}
	}
	today := domain.DayNumber(a.now())
	r := &dashboardv1.Readmissions{AsOfDay: domain.Day(today)}
	if len(byWindow) == 0 {
		r.Reason = NoReadmissionWindowsReason
		return r, nil
	}
	d := DimsOf(f)
	all, err := a.model.Readmissions(ctx, d, b, ReadmissionQuery{Pathways: union, Today: today})
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		r.IndexAdmissions += c.Index
	}
	windows := make([]int, 0, len(byWindow))
	for w := range byWindow {
		windows = append(windows, w)
	}
	slices.Sort(windows)
	months := f.Period.Months()
	for _, w := range windows {
		counts, err := a.model.Readmissions(ctx, d, b, ReadmissionQuery{Pathways: byWindow[w], Days: w, Today: today})
		if err != nil {
			return nil, err
		}
		r.WindowsDays = append(r.WindowsDays, int32(w))
		r.Windows = append(r.Windows, readmissionWindow(w, byWindow[w], months, counts))
	}
	r.Available = true
	return r, nil
}

func readmissionWindow(days int, pathways []string, months []domain.Month, counts []ReadmissionCounts) *dashboardv1.ReadmissionWindow {
	w := &dashboardv1.ReadmissionWindow{Days: int32(days), PathwayIds: pathways, Readmitted: &dashboardv1.Share{}}
	for _, m := range months {
		w.Months = append(w.Months, &dashboardv1.ReadmissionMonth{Month: m.String(), Readmitted: &dashboardv1.Share{}})
	}
	for _, c := range counts {
		m := w.Months[c.Month]
		m.Readmitted.Count += c.Readmitted
		m.Readmitted.Total += c.Closed
		m.Pending += c.Index - c.Closed
		w.Readmitted.Count += c.Readmitted
		w.Readmitted.Total += c.Closed
		w.Pending += c.Index - c.Closed
	}
	return w
}
