package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// chromiumInstall is how CI gets the browser (Debian package "chromium").
const chromiumInstall = "apt-get update && apt-get install -y chromium"

// screenshotPath is where the filtered dashboard's screenshot lands (committed).
const screenshotPath = "testdata/dashboard.png"

// chromium finds the browser: CHROMIUM, else chromium on PATH. Missing, the test fails in CI
// (CI=true) and skips elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	name := os.Getenv("CHROMIUM")
	if name == "" {
		name = "chromium"
	}
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := "headless Chromium not found (" + err.Error() + "); install it with: " + chromiumInstall
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a fresh headless Chromium for the test, with a user data directory of its own.
// At the end it closes the browser, waits for it, and removes the directory.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := chromium(t)
	dir, err := os.MkdirTemp("", "e2e-chromium-") //nolint:usetesting // removed only after Chromium has exited, which t.TempDir cannot order
	require.NoError(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun, chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900),
		// The devstack's certificates are signed by its own local CA, which this throwaway
		// profile does not hold; the API calls below verify them against it.
		chromedp.Flag("ignore-certificate-errors", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // kills the browser and waits for it

		removeWithin(t, dir, 10*time.Second)
	})
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestDashboardPageShowsTheQueryAPIFigures signs a board member in through the devstack's
// OpenID provider (the page sends the browser there; they type their username and password),
// loads the dashboard of the demo population in headless Chromium, filters it by one PCN and one
// segment with the form, and checks the figures on the page equal the query API's for the same
// filter, asked with the same person's token.
func TestDashboardPageShowsTheQueryAPIFigures(t *testing.T) {
	t.Parallel()
	requireFull(t)
	ctx := browser(t) // first: without Chromium the test fails (CI) or skips before starting anything
	d := sharedStack(t)
	query := d.dashboardQuery(t)
	board := d.as(t, "board")

	dims, err := query.ListDimensions(board, &dashboardv1.ListDimensionsRequest{})
	require.NoError(t, err)
	// The demo puts discharged MSK and COPD journeys with outcome scores in this PCN and segment,
	// so the figures compared below are not all zero.
	const pcn, segment = "U90002", journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY
	require.Contains(t, dims.GetPcnOdsCodes(), pcn, "the demo population's PCNs")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate("https://"+d.addr.dashboardHTTP+"/"),
		chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery), // the provider's sign-in page
		chromedp.SetValue(`input[name=username]`, "board", chromedp.ByQuery),
		chromedp.SetValue(`input[name=password]`, demoPassword, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#fig-referrals-received`, chromedp.ByQuery),
		chromedp.SetValue(`#f-pcn`, pcn, chromedp.ByQuery),
		chromedp.SetValue(`#f-segment`, strconv.Itoa(int(segment)), chromedp.ByQuery),
		chromedp.Click(`#apply`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scope[data-pcn="`+pcn+`"][data-segment="`+strconv.Itoa(int(segment))+`"]`, chromedp.ByQuery),
	))
	read := func(sel, name string) string {
		t.Helper()
		var v string
		var ok bool
		require.NoError(t, chromedp.Run(ctx, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery)))
		require.True(t, ok, "%s[%s] on the page", sel, name)
		return v
	}
	filter := &dashboardv1.Filter{PcnOdsCode: pcn, Segment: segment,
		FromMonth: read("#scope", "data-from"), ToMonth: read("#scope", "data-to")}
	sys, err := query.GetSystemFigures(board, &dashboardv1.GetSystemFiguresRequest{Filter: filter})
	require.NoError(t, err)
	pop, err := query.GetPopulationFigures(board, &dashboardv1.GetPopulationFiguresRequest{Filter: filter})
	require.NoError(t, err)
	// The board sees small numbers suppressed and the rest rounded (page and API alike); an
	// auditor, with patient-level access, sees the exact count.
	exact, err := query.GetSystemFigures(d.as(t, "auditor"), &dashboardv1.GetSystemFiguresRequest{Filter: filter})
	require.NoError(t, err)
	require.Positive(t, exact.GetReferralsReceived(), "the demo has referrals in %s / %s", pcn, segment)

	i64 := func(v int64) string { return strconv.FormatInt(v, 10) }
	require.Equal(t, i64(sys.GetReferralsReceived()), read("#fig-referrals-received", "data-value"))
	require.Equal(t, i64(sys.GetWaitingForTriage()), read("#fig-waiting-for-triage", "data-value"))
	require.Equal(t, i64(sys.GetTriageWithinSla().GetCount()), read("#fig-triage-within-sla", "data-count"))
	require.Equal(t, i64(sys.GetTriageWithinSla().GetTotal()), read("#fig-triage-within-sla", "data-total"))
	require.Equal(t, i64(sys.GetRttWithin_18Weeks().GetCount()), read("#fig-rtt", "data-count"))
	require.Equal(t, i64(sys.GetRttWithin_18Weeks().GetTotal()), read("#fig-rtt", "data-total"))
	require.Equal(t, i64(sys.GetCompletedJourneys()), read("#fig-cost-per-journey", "data-completed"))

	var shown []string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(
		`Array.from(document.querySelectorAll('tr[data-code][data-provider]')).map(r => r.dataset.code + '/' + r.dataset.provider + '=' + r.dataset.completed)`, &shown)))
	var want []string
	for _, iv := range sys.GetInterventions() {
		want = append(want, iv.GetCode()+"/"+iv.GetProvider()+"="+i64(iv.GetCompleted()))
	}
	slices.Sort(shown)
	slices.Sort(want)
	require.Equal(t, want, shown, "interventions by type and provider")

	require.Positive(t, exact.GetCompletedJourneys(), "the demo discharged journeys in %s / %s", pcn, segment)
	exactPop, err := query.GetPopulationFigures(d.as(t, "auditor"), &dashboardv1.GetPopulationFiguresRequest{Filter: filter})
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(exactPop.GetMeasures(), func(m *dashboardv1.MeasureOutcome) bool { return m.GetJourneys() > 0 }),
		"the demo has outcome scores in %s / %s", pcn, segment)
	for _, m := range pop.GetMeasures() {
		row := "#measure-" + m.GetPathwayId() + "-" + m.GetCode()
		require.Equal(t, i64(m.GetJourneys()), read(row, "data-journeys"), row)
		require.Equal(t, i64(m.GetReachedMic().GetCount()), read(row, "data-mic-count"), row)
		require.Equal(t, i64(m.GetReachedMic().GetTotal()), read(row, "data-mic-total"), row)
	}

	var shot []byte
	require.NoError(t, chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)))
	require.NoError(t, os.MkdirAll(filepath.Dir(screenshotPath), 0o750))
	require.NoError(t, os.WriteFile(screenshotPath, shot, 0o644))
	t.Logf("screenshot: %s", screenshotPath)
}

// removeWithin removes dir, retrying while a closing browser process still writes into it (the
// test's context has ended by then, so this waits on its own deadline).
func removeWithin(t *testing.T, dir string, within time.Duration) {
	deadline := time.Now().Add(within)
	for {
		err := os.RemoveAll(dir)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("remove %s: %v", dir, err)
			return
		}
		<-time.After(50 * time.Millisecond)
	}
}
