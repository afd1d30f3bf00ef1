package pathway

import "slices"

// MeasuresAtBaseline returns the measures whose baseline is taken in the
// stage, in authored order.
func (d *Definition) MeasuresAtBaseline(stageID string) []Measure {
	return d.measuresWhere(func(s Schedule) bool { return s.Baseline == stageID })
}

// MeasuresAtDischarge returns the measures collected at discharge, in
// authored order.
func (d *Definition) MeasuresAtDischarge() []Measure {
	return d.measuresWhere(func(s Schedule) bool { return s.AtDischarge })
}

// MeasuresAtFollowUp returns the measures collected at the follow-up contact
// the given number of months after discharge, in authored order.
func (d *Definition) MeasuresAtFollowUp(month int) []Measure {
	return d.measuresWhere(func(s Schedule) bool { return slices.Contains(s.FollowUpMonths, month) })
}

func (d *Definition) measuresWhere(keep func(Schedule) bool) []Measure {
	var out []Measure
	for _, m := range d.Measures {
		if keep(m.Collect) {
			out = append(out, m)
		}
	}
	return out
}
