package journey

import (
	"time"
	_ "time/tzdata" // Europe/London must resolve the same way on every worker.

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// london is the time zone of care events: day counts are local days.
var london = mustLoadLondon()

func mustLoadLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// Unreachable: time/tzdata embeds the zone database.
		return time.UTC
	}
	return loc
}

// addDays returns t plus n days counted in Europe/London: calendar days keep the local time of day
// across clock changes; working days skip Saturdays and Sundays (bank holidays are not known here).
func addDays(t time.Time, n int, count pathway.DayCount) time.Time {
	local := t.In(london)
	if count != pathway.WorkingDays {
		return local.AddDate(0, 0, n).UTC()
	}
	for n > 0 {
		local = local.AddDate(0, 0, 1)
		if wd := local.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return local.UTC()
}

// addMonths returns t plus n calendar months in Europe/London.
func addMonths(t time.Time, n int) time.Time {
	return t.In(london).AddDate(0, n, 0).UTC()
}

// daysBetween counts whole calendar days from a to b in Europe/London.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.In(london).Date()
	by, bm, bd := b.In(london).Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
