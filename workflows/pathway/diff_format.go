package pathway

import (
	"slices"
	"strconv"
	"strings"
)

// Renderers for diff values: what a reviewer reads in Before, After and Summary.

func quoted(noun, id string) string { return noun + " '" + id + "'" }

func sortedList(xs []string) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func intList(xs []int, unit string) string {
	if len(xs) == 0 {
		return ""
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ") + " " + unit
}

func eventList(es []Event) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = string(e)
	}
	return strings.Join(parts, ", ")
}

func ruleText(r *Rule) string {
	if r == nil {
		return ""
	}
	return r.String()
}

func optionalNumber(x *float64) string {
	if x == nil {
		return ""
	}
	return formatNumber(*x)
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func everyMonths(n int) string {
	if n == 0 {
		return ""
	}
	return "every " + plural(n, "month")
}

func plural(n int, unit string) string {
	if n == 0 {
		return ""
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func rttEffectText(e RTTEffect) string {
	switch e {
	case RTTStart:
		return "starts the clock"
	case RTTStop:
		return "stops the clock"
	case "", RTTNone:
		return "none"
	}
	return string(e)
}

func providerText(d *Definition, code string) string {
	if p, ok := d.Provider(code); ok {
		return code + " (" + p.Name + ")"
	}
	return code
}

func periodText(p *Period) string {
	if p == nil {
		return ""
	}
	days := p.Days
	if days == "" {
		days = CalendarDays
	}
	unit := string(days) + " day"
	return plural(p.Within, unit)
}

func triggerText(t Trigger) string {
	switch {
	case t.Event != "":
		return "event " + string(t.Event)
	case t.Stage != "":
		return "stage '" + t.Stage + "' entered"
	case t.Disposition != "":
		return "disposition '" + t.Disposition + "' recorded"
	case t.Intervention != "":
		return "intervention '" + t.Intervention + "' delivered"
	}
	return ""
}

func triggerList(ts []Trigger) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = triggerText(t)
	}
	return strings.Join(parts, "; ")
}
