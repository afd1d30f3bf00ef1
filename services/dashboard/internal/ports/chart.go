package ports

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Point is one labelled value of a chart; Missing marks a month without a figure, Suppressed
// (with Missing) one withheld under the disclosure rule.
type Point struct {
	Label      string
	Value      float64
	Missing    bool
	Suppressed bool
}

const (
	chartW, chartH         = 640, 240
	padL, padR, padT, padB = 48, 16, 16, 40
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// svgOpen starts an accessible chart: role img, labelled by its title and description.
func svgOpen(b *strings.Builder, id, title, desc string) {
	fmt.Fprintf(b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMidYMid meet">`, id, chartW, chartH, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

func yScale(maxV float64) func(float64) float64 {
	if maxV <= 0 {
		maxV = 1
	}
	return func(v float64) float64 { return padT + (chartH-padT-padB)*(1-v/maxV) }
}

func axes(b *strings.Builder, maxV float64, unit string, y func(float64) float64) {
	for _, frac := range []float64{0, 0.25, 0.5, 0.75, 1} {
		v := maxV * frac
		yy := y(v)
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, chartW-padR, yy, yy)
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s%s</text>`, padL-6, yy+4, trim(v), unit)
	}
}

func trim(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func xLabels(b *strings.Builder, pts []Point, x func(int) float64) {
	step := 1
	if len(pts) > 8 {
		step = 2
	}
	for i, p := range pts {
		if i%step == 0 {
			fmt.Fprintf(b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), chartH-padB+18, esc(p.Label))
		}
	}
}

// BarChart draws vertical bars.
func BarChart(id, title, desc string, pts []Point) template.HTML {
	maxV := 0.0
	for _, p := range pts {
		maxV = math.Max(maxV, p.Value)
	}
	maxV = niceMax(maxV)
	y := yScale(maxV)
	var b strings.Builder
	svgOpen(&b, id, title, desc)
	axes(&b, maxV, "", y)
	slot := float64(chartW-padL-padR) / float64(max(len(pts), 1))
	x := func(i int) float64 { return padL + slot*(float64(i)+0.5) }
	for i, p := range pts {
		if p.Suppressed {
			fmt.Fprintf(&b, `<text class="tick suppressed" x="%.1f" y="%.1f" text-anchor="middle">%s<title>%s: not shown (a small number)</title></text>`,
				x(i), y(0)-4, suppressedMark, esc(p.Label))
			continue
		}
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x(i)-slot*0.35, y(p.Value), slot*0.7, y(0)-y(p.Value), esc(p.Label), trim(p.Value))
	}
	xLabels(&b, pts, x)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}

// LineChart draws a trend line of percentages (0-100) with an optional standard line.
func LineChart(id, title, desc string, pts []Point, standard float64) template.HTML {
	y := yScale(100)
	var b strings.Builder
	svgOpen(&b, id, title, desc)
	axes(&b, 100, "%", y)
	slot := float64(chartW-padL-padR) / float64(max(len(pts), 1))
	x := func(i int) float64 { return padL + slot*(float64(i)+0.5) }
	if standard > 0 {
		fmt.Fprintf(&b, `<line class="standard" data-standard="%s" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, trim(standard), padL, chartW-padR, y(standard), y(standard))
		fmt.Fprintf(&b, `<text class="standard-label" x="%d" y="%.1f" text-anchor="end">%s%% standard</text>`, chartW-padR, y(standard)-6, trim(standard))
	}
	var path []string
	for i, p := range pts {
		if p.Missing {
			continue
		}
		cmd := "L"
		if len(path) == 0 {
			cmd = "M"
		}
		path = append(path, fmt.Sprintf("%s%.1f %.1f", cmd, x(i), y(p.Value)))
	}
	if len(path) > 0 {
		fmt.Fprintf(&b, `<path class="line" d="%s"/>`, strings.Join(path, " "))
	}
	for i, p := range pts {
		if !p.Missing {
			fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="4"><title>%s: %s%%</title></circle>`, x(i), y(p.Value), esc(p.Label), trim(p.Value))
		}
	}
	xLabels(&b, pts, x)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}

// HBarChart draws horizontal percentage bars (0-100), one per labelled row.
func HBarChart(id, title, desc string, pts []Point) template.HTML {
	rowH := 28.0
	h := int(rowH*float64(len(pts))) + 24
	labelW := 230.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d">`, id, chartW, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	w := float64(chartW) - labelW - 60
	for i, p := range pts {
		yy := 8 + rowH*float64(i)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, labelW-8, yy+14, esc(p.Label))
		fmt.Fprintf(&b, `<rect class="track" x="%.1f" y="%.1f" width="%.1f" height="18"/>`, labelW, yy, w)
		if p.Missing {
			text := "no data"
			if p.Suppressed {
				text = suppressedMark + " not shown (a small number)"
			}
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.1f">%s</text>`, labelW+6, yy+14, text)
			continue
		}
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="18"/>`, labelW, yy, w*p.Value/100)
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f">%s%%</text>`, labelW+w*p.Value/100+6, yy+14, trim(p.Value))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped text and numbers
}

func niceMax(v float64) float64 {
	if v <= 4 {
		return 4
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}
