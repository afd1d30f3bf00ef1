//go:build browser

package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/demo"
)

// browser starts headless Chromium (CHROMIUM names the binary; default "chromium").
func browser(t *testing.T) context.Context {
	t.Helper()
	exec := os.Getenv("CHROMIUM")
	if exec == "" {
		exec = "chromium"
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exec), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun, chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestBrowserFiltersByPCNAndSegment(t *testing.T) {
	now := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
	svc := startService(t, now, nil)
	opts := demo.Options{Population: 30000, PCNCount: 4, Start: time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC), Now: now, Seed: 7}
	facts := demo.Generate(opts)
	for _, r := range facts {
		_, err := svc.ingest.RecordJourneyFact(t.Context(), r)
		require.NoError(t, err)
	}
	ctx := browser(t)
	pcn, segment := demo.PCNs(opts)[1], journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS
	var focused string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate("http://"+svc.srv.HTTPAddr()+"/?from=2025-04&to=2026-03"),
		chromedp.WaitVisible(`#fig-referrals-received`, chromedp.ByQuery),
		chromedp.KeyEvent("\t"),
		chromedp.Evaluate(`document.activeElement.className`, &focused),
	))
	require.Equal(t, "skip-link", focused, "the first Tab reaches the skip link")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.SetValue(`#f-pcn`, pcn, chromedp.ByQuery),
		chromedp.SetValue(`#f-segment`, strconv.Itoa(int(segment)), chromedp.ByQuery),
		chromedp.Click(`#apply`, chromedp.ByQuery),
		chromedp.WaitVisible(`#scope[data-pcn="`+pcn+`"][data-segment="2"]`, chromedp.ByQuery),
	))
	filter := &dashboardv1.Filter{PcnOdsCode: pcn, Segment: segment, FromMonth: "2025-04", ToMonth: "2026-03"}
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
