package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/demo"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

const (
	// chromiumInstall is how CI gets the browser (Debian package "chromium", make browser-deps).
	chromiumInstall = "apt-get update && apt-get install -y chromium"
	// browserPopulation is the synthetic population the page is checked on: 2,850 journeys,
	// 18,506 facts (about 30 s under -race on 2 cores, most of it the bulk load). -short takes a
	// tenth of it.
	browserPopulation = 30000
	// overAPI is how many of the population's facts (the last ones) go in over gRPC once the
	// service runs; the rest are bulk-loaded into its database before it starts, as dashbench
	// does: one by one over gRPC the whole population took 85 s under -race on 2 cores.
	overAPI = 500
)

// chromium finds the browser: CHROMIUM, else chromium on PATH. Missing, the test fails in CI
// (CI=true) and skips elsewhere (the e2e browser test's rule).
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

// browser starts headless Chromium exe for the test.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun, chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		// The page and the provider serve certificates of test CAs the browser has never seen.
		chromedp.Flag("ignore-certificate-errors", true),
	}
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// preload bulk-loads facts into a new dashboard database at path through the application's
// batch ingest (validated, one transaction per thousand facts), as dashbench does.
func preload(t *testing.T, path string, now time.Time, facts []*dashboardv1.RecordJourneyFactRequest) {
	t.Helper()
	store, err := adapters.OpenStore(t.Context(), path)
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	a := app.New(store, nil, domain.NewCatalog(pathway.Builtin()), func() time.Time { return now }, disclosure.Default())
	const batch = 1000
	for i := 0; i < len(facts); i += batch {
		out := make([]domain.Fact, 0, batch)
		for _, r := range facts[i:min(i+batch, len(facts))] {
			out = append(out, ports.FactFromRequest(r))
		}
		require.NoError(t, a.IngestBatch(t.Context(), out))
	}
}

// TestBrowserFiltersByPCNAndSegment loads a 30,000-person population (3,000 with -short), opens
// the page in headless Chromium, which is sent to the OpenID provider and signs in there as the
// demo board member, filters the page by one PCN and one segment with the form, and checks every
// figure shown equals the query API's for the same filter.
func TestBrowserFiltersByPCNAndSegment(t *testing.T) {
	exe := chromium(t) // first: without Chromium the test fails (CI) or skips before loading anything
	now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
	population := browserPopulation
	if testing.Short() {
		population /= 10
	}
	opts := demo.Options{Population: population, PCNCount: 4, Start: time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC), Now: now, Seed: 7}
	facts := demo.Generate(opts)
	require.Greater(t, len(facts), overAPI)
	db := filepath.Join(t.TempDir(), "dashboard.db")
	preload(t, db, now, facts[:len(facts)-overAPI])
	p := newProvider(t)
	svc := startServiceWith(t, now, setup{issuer: p}, func(c *server.Config) { c.DBPath, c.Web.ClientSecret = db, clientSecret })
	p.allow(svc.srv.WebURL() + "/auth/callback")
	journeys := map[string]bool{}
	for _, r := range facts {
		journeys[r.GetJourneyId()] = true
	}
	for _, r := range facts[len(facts)-overAPI:] {
		resp, err := svc.ingest.RecordJourneyFact(t.Context(), r)
		require.NoError(t, err, "fact %s", r.GetEventId())
		require.False(t, resp.GetDuplicate(), "fact %s", r.GetEventId())
	}
	require.EqualValues(t, len(journeys), svc.system(t, &dashboardv1.Filter{FromMonth: "2025-04", ToMonth: "2026-04"}).GetReferralsReceived(),
		"every journey of the population is in the figures")

	ctx := browser(t, exe)
	pcn, segment := demo.PCNs(opts)[1], journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS
	var focused, user string
	var signedIn bool
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(svc.srv.WebURL()+"/?from=2025-04&to=2026-03"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery), // the provider's sign-in page
		chromedp.SendKeys(`input[name="username"]`, "board", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, demoPassword, chromedp.ByQuery),
		chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#fig-referrals-received`, chromedp.ByQuery),
		chromedp.AttributeValue(`#signed-in`, "data-user", &user, &signedIn, chromedp.ByQuery),
		chromedp.KeyEvent("\t"),
		chromedp.Evaluate(`document.activeElement.className`, &focused),
	))
	require.True(t, signedIn)
	require.Equal(t, "Margaret Hale", user, "signed in through the provider as the demo board member")
	require.Equal(t, "skip-link", focused, "the first Tab reaches the skip link")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(`#f-pcn`, pcn, chromedp.ByQuery),
		chromedp.SetValue(`#f-segment`, strconv.Itoa(int(segment)), chromedp.ByQuery),
		chromedp.Click(`#apply`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scope[data-pcn="`+pcn+`"][data-segment="2"]`, chromedp.ByQuery),
	))
	filter := &dashboardv1.Filter{PcnOdsCode: pcn, Segment: segment, FromMonth: "2025-04", ToMonth: "2026-03"}
	svc.token = svc.board // the page's board member: the API answers them under the same disclosure rule
	sys, pop := svc.system(t, filter), svc.population(t, filter)
	require.Positive(t, sys.GetReferralsReceived())

	read := func(sel, name string) string {
		var v string
		var ok bool
		require.NoError(t, chromedp.Run(ctx, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery)))
		require.True(t, ok, "%s[%s]", sel, name)
		return v
	}
	i64 := func(v int64) string { return strconv.FormatInt(v, 10) }
	require.Equal(t, i64(sys.GetReferralsReceived()), read("#fig-referrals-received", "data-value"))
	require.Equal(t, i64(sys.GetWaitingForTriage()), read("#fig-waiting-for-triage", "data-value"))
	require.Equal(t, i64(sys.GetTriageWithinSla().GetCount()), read("#fig-triage-within-sla", "data-count"))
	require.Equal(t, i64(sys.GetTriageWithinSla().GetTotal()), read("#fig-triage-within-sla", "data-total"))
	require.Equal(t, i64(sys.GetRttWithin_18Weeks().GetCount()), read("#fig-rtt", "data-count"))
	require.Equal(t, i64(sys.GetRttWithin_18Weeks().GetTotal()), read("#fig-rtt", "data-total"))
	require.Equal(t, i64(sys.GetCompletedJourneys()), read("#fig-cost-per-journey", "data-completed"))
	cat := measure(t, pop, "copd", "cat")
	require.Equal(t, i64(cat.GetReachedMic().GetCount()), read("#measure-copd-cat", "data-mic-count"))
	require.Equal(t, i64(cat.GetReachedMic().GetTotal()), read("#measure-copd-cat", "data-mic-total"))
	require.Equal(t, "92", read("#chart-rtt line.standard", "data-standard"))
	readm := pop.GetReadmissions()
	require.True(t, readm.GetAvailable(), "the demo population has COPD admissions")
	require.Equal(t, i64(readm.GetIndexAdmissions()), read("#figure-readmissions", "data-index"))
	for _, w := range readm.GetWindows() {
		sel := "#fig-readmitted-" + strconv.Itoa(int(w.GetDays()))
		require.Equal(t, i64(w.GetReadmitted().GetCount()), read(sel, "data-count"))
		require.Equal(t, i64(w.GetReadmitted().GetTotal()), read(sel, "data-total"))
		require.Equal(t, i64(w.GetPending()), read(sel, "data-pending"))
	}

	var shot []byte
	require.NoError(t, chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)))
	dir := os.Getenv("DASHBOARD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "dashboard-filtered.png")
	require.NoError(t, os.WriteFile(path, shot, 0o600)) //nolint:gosec // the directory is the tester's own choice
	t.Logf("screenshot: %s", path)
}
