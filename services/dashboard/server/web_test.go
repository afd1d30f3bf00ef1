package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// attr returns the value of attribute name on the element with id.
func attr(t *testing.T, html, id, name string) string {
	t.Helper()
	el := regexp.MustCompile(`<[^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(html)
	require.NotEmpty(t, el, "element #%s", id)
	m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(el)
	require.Len(t, m, 2, "attribute %s on #%s", name, id)
	return m[1]
}

func TestPageShowsTheFilteredFigures(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	code, html, hdr := svc.get(t, "/?pcn=U12345&segment=2&from=2026-01&to=2026-03")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, hdr.Get("Content-Security-Policy"), "default-src 'self'")
	// Same hand-computed figures as the API test for U12345, long-term conditions.
	require.Equal(t, "4", attr(t, html, "fig-referrals-received", "data-value"))
	require.Equal(t, "1", attr(t, html, "fig-waiting-for-triage", "data-value"))
	require.Equal(t, "2", attr(t, html, "fig-rtt", "data-count"))
	require.Equal(t, "2", attr(t, html, "fig-rtt", "data-total"))
	require.Equal(t, "meets", attr(t, html, "fig-rtt", "data-status"))
	require.Equal(t, "37750", attr(t, html, "fig-cost-per-journey", "data-value")) // (3000 + 72500) / 2
	require.Equal(t, "1", attr(t, html, "measure-copd-cat", "data-mic-count"))
	// Readmissions of J5 (readmissions_test.go): 0 of 2 within 30 days; 1 of 1 within 90, 1 open.
	require.Equal(t, "true", attr(t, html, "figure-readmissions", "data-available"))
	require.Equal(t, "2", attr(t, html, "figure-readmissions", "data-index"))
	require.Equal(t, "0", attr(t, html, "fig-readmitted-30", "data-count"))
	require.Equal(t, "2", attr(t, html, "fig-readmitted-30", "data-total"))
	require.Equal(t, "1", attr(t, html, "fig-readmitted-90", "data-count"))
	require.Equal(t, "1", attr(t, html, "fig-readmitted-90", "data-total"))
	require.Equal(t, "1", attr(t, html, "fig-readmitted-90", "data-pending"))
	require.Contains(t, html, `<svg class="chart" id="chart-readmitted-30"`)
	require.Contains(t, html, `class="standard" data-standard="92"`, "the 92% RTT line is drawn")
	require.Contains(t, html, `<a class="skip-link" href="#main">`)
	require.Contains(t, html, `<option value="U12345" selected>`)
	require.NotRegexp(t, `(src|href)="https?://`, html, "every asset is served by the dashboard itself")

	for _, asset := range []string{"/static/style.css", "/static/app.js"} {
		code, body, _ := svc.getAs(t, asset, "") // public
		require.Equal(t, http.StatusOK, code, asset)
		require.NotEmpty(t, body)
	}
	code, _, _ = svc.get(t, "/?pcn=bad%20code&to=March")
	require.Equal(t, http.StatusBadRequest, code)
}

func TestCSVExportCarriesTheFigures(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	code, body, hdr := svc.get(t, "/export.csv?from=2026-01&to=2026-03")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "text/csv; charset=utf-8", hdr.Get("Content-Type"))
	lines := strings.Split(body, "\n")
	require.Equal(t, "lens,figure,key,month,value,count,total,percent", lines[0])
	for _, want := range []string{
		"system,referrals_received,,2026-01..2026-03,6,,,",
		"system,rtt_within_18_weeks,,2026-03,,2,3,66.7",
		"system,interventions_completed,physio/NZX01,2026-01..2026-03,1,,,",
		"population,reached_mic,copd/cat,2026-01..2026-03,,1,2,50.0",
		// Readmissions (readmissions_test.go): 5 index admissions; 1 of 4 within 30 days, 1 open;
		// January 1 of 2; 2 of 2 within 90 days, 3 open.
		"population,index_admissions,,2026-01..2026-03,5,,,",
		"population,readmitted_within_days,30,2026-01..2026-03,,1,4,25.0",
		"population,readmission_window_open,30,2026-01..2026-03,1,,,",
		"population,readmitted_within_days,30,2026-01,,1,2,50.0",
		"population,readmitted_within_days,90,2026-01..2026-03,,2,2,100.0",
		"population,readmission_window_open,90,2026-01..2026-03,3,,,",
	} {
		require.Contains(t, lines, want)
	}
}

func TestPageFlagsRTTBelowTheStandard(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	_, html, _ := svc.get(t, "/?from=2026-01&to=2026-03")
	// 2 of 3 incomplete pathways within 18 weeks: 66.7%, below 92%.
	require.Equal(t, "below", attr(t, html, "fig-rtt", "data-status"))
	require.Contains(t, html, "Below the 92% standard")
}

func TestPageSaysWhyReadmissionsAreNotAvailable(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	_, html, _ := svc.get(t, "/?pathway=msk&from=2026-01&to=2026-03")
	require.Equal(t, "false", attr(t, html, "figure-readmissions", "data-available"))
	require.Contains(t, html, "no pathway in scope defines a readmission window")
	require.NotContains(t, html, `id="fig-readmitted-30"`)
}
