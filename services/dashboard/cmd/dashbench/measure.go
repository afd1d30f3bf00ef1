package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/demo"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
)

// filters are the shapes people ask for: everything, one pathway, one PCN and segment.
func filters(population int) []*dashboardv1.Filter {
	pcn := demo.PCNs(demo.Options{Population: population})[0]
	return []*dashboardv1.Filter{
		{FromMonth: "2025-04", ToMonth: "2026-03"},
		{PathwayId: "msk", FromMonth: "2025-04", ToMonth: "2026-03"},
		{PcnOdsCode: pcn, Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, FromMonth: "2025-04", ToMonth: "2026-03"},
	}
}

func measure(ctx context.Context, srv *server.Server, db string, o options) error {
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	q := dashboardv1.NewDashboardQueryServiceClient(conn)
	in := dashboardv1.NewDashboardIngestServiceClient(conn)
	fresh := demo.Generate(demo.Options{Population: 3000 + 200*o.iterations, Start: start, Now: now, Seed: 9, Prefix: "fresh"})
	// touch applies one new fact (untimed), so the next call finds the figures out of date and
	// computes them from the read model: the cold path.
	touch := func() error {
		r := fresh[0]
		fresh = fresh[1:]
		_, err := in.RecordJourneyFact(ctx, r)
		return err
	}
	fs := filters(o.population)
	r := rand.New(rand.NewPCG(2, 2)) //nolint:gosec // picks benchmark filters, not secrets
	var sys, pop, page, warm, raw timer
	for range o.iterations {
		f := fs[r.IntN(len(fs))]
		if err := touch(); err != nil {
			return err
		}
		if err := sys.time(func() error {
			_, err := q.GetSystemFigures(ctx, &dashboardv1.GetSystemFiguresRequest{Filter: f})
			return err
		}); err != nil {
			return err
		}
		if err := pop.time(func() error {
			_, err := q.GetPopulationFigures(ctx, &dashboardv1.GetPopulationFiguresRequest{Filter: f})
			return err
		}); err != nil {
			return err
		}
		if err := touch(); err != nil {
			return err
		}
		url := fmt.Sprintf("http://%s/?pathway=%s&pcn=%s&segment=%d&from=%s&to=%s", srv.HTTPAddr(), f.GetPathwayId(), f.GetPcnOdsCode(), f.GetSegment(), f.GetFromMonth(), f.GetToMonth())
		if err := touch(); err != nil {
			return err
		}
		if err := page.time(func() error { return load(ctx, url) }); err != nil {
			return err
		}
		if err := warm.time(func() error { return load(ctx, url) }); err != nil {
			return err
		}
	}
	if err := baseline(ctx, db, fs, o.iterations, r, &raw); err != nil {
		return err
	}
	sys.report(o.out, "cold query GetSystemFigures (gRPC)")
	pop.report(o.out, "cold query GetPopulationFigures (gRPC)")
	page.report(o.out, "cold page load GET / (HTTP, whole HTML)")
	warm.report(o.out, "warm page load GET / (figures cached)")
	raw.report(o.out, "baseline: raw SQL aggregate, same rows")
	return single(ctx, o.out, conn, o.single)
}

func load(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, http.NoBody)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// baseline runs one raw SQL aggregate per call over the rows the figures read: referrals and
// on-time triages in the period and incomplete clocks at its end.
func baseline(ctx context.Context, path string, fs []*dashboardv1.Filter, n int, r *rand.Rand, t *timer) error {
	store, err := adapters.OpenStore(ctx, path)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	p := domain.Period{From: domain.Month{Year: 2025, Month: time.April}, To: domain.Month{Year: 2026, Month: time.March}}
	from, to := p.Start().Unix(), p.End().Unix()
	for range n {
		f := fs[r.IntN(len(fs))]
		if err := t.time(func() error { return rawAggregate(ctx, store.DB(), f, from, to) }); err != nil {
			return err
		}
	}
	return nil
}

func rawAggregate(ctx context.Context, db *sql.DB, f *dashboardv1.Filter, from, to int64) error {
	cond, args := "1=1", []any{}
	if f.GetPathwayId() != "" {
		cond, args = cond+" AND j.pathway_id = ?", append(args, f.GetPathwayId())
	}
	if f.GetPcnOdsCode() != "" {
		cond, args = cond+" AND j.pcn = ? AND j.segment = ?", append(args, f.GetPcnOdsCode(), int32(f.GetSegment()))
	}
	var refs, triaged, onTime, clocks sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT
		SUM(j.referred_at >= ? AND j.referred_at < ?), SUM(j.triaged_at >= ? AND j.triaged_at < ?),
		SUM(j.triaged_at >= ? AND j.triaged_at < ? AND j.triage_breached = 0),
		(SELECT COUNT(*) FROM rtt_clocks c JOIN journeys j ON j.journey_id = c.journey_id WHERE `+cond+` AND c.started_at < ? AND (c.ended_at IS NULL OR c.ended_at > ?))
		FROM journeys j WHERE `+cond, append(append([]any{from, to, from, to, from, to}, append(args, to, to)...), args...)...).Scan(&refs, &triaged, &onTime, &clocks)
	if err != nil {
		return fmt.Errorf("raw aggregate: %w", err)
	}
	return nil
}

// single sends fresh facts one by one over gRPC: each is its own fsynced transaction.
func single(ctx context.Context, out io.Writer, conn *grpc.ClientConn, n int) error {
	if n <= 0 {
		return nil
	}
	reqs := demo.Generate(demo.Options{Population: 2000 + n, Start: start, Now: now, Seed: 9, Prefix: "single"})
	reqs = reqs[:min(n, len(reqs))]
	c := dashboardv1.NewDashboardIngestServiceClient(conn)
	t0 := time.Now()
	for _, r := range reqs {
		if _, err := c.RecordJourneyFact(ctx, r); err != nil {
			return fmt.Errorf("single ingest: %w", err)
		}
	}
	took := time.Since(t0)
	fmt.Fprintf(out, "single-fact ingest over gRPC (fsync each): %d facts in %s, %.0f facts/s\n", len(reqs), took.Round(time.Millisecond), float64(len(reqs))/took.Seconds())
	return nil
}
