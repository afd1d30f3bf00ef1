package domain

import "time"

// DayNumber numbers London calendar days: the days from 1 January 1970 to t's London date.
// DaysBetween(a, b) is DayNumber(b) - DayNumber(a).
func DayNumber(t time.Time) int64 {
	y, m, d := t.In(London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / (24 * 60 * 60)
}

// Day is the London date of a day number, "YYYY-MM-DD".
func Day(n int64) string {
	return time.Unix(n*24*60*60, 0).UTC().Format(time.DateOnly)
}

// Readmission rules. An index admission is one whose hospital discharge fell in the period. It
// is readmitted within a window of N days when another admission of the same journey began on or
// after its discharge and at most N London calendar days after it: GapDays (discharge day to the
// next admission's day) is at most N. The window is closed, and the admission counts in the
// window's share, once today is past its discharge day plus N days; until then it is pending.

// ReadmissionGap returns the London calendar days from an admission's discharge to a later
// admission, and false when the later admission began before that discharge (it is no
// readmission of it).
func ReadmissionGap(discharged, nextAdmitted time.Time) (int64, bool) {
	if nextAdmitted.Before(discharged) {
		return 0, false
	}
	return DayNumber(nextAdmitted) - DayNumber(discharged), true
}

// WindowClosed reports whether a window of days after a discharge on dischargeDay had passed by
// today (both day numbers).
func WindowClosed(dischargeDay int64, days int, today int64) bool {
	return dischargeDay+int64(days) < today
}
