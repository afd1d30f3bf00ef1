// Package demo generates synthetic journey facts for a population, as the journey workflow would
// push them: for the benchmark, the browser test and demonstrations. Nothing in it identifies a
// real person or organisation.
package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
)

// Options shape the synthetic population.
type Options struct {
	// Population is the number of people served (one PCN per 50,000, at least one).
	Population int
	// Start is the first referral time; referrals spread over the year from it.
	Start time.Time
	// Now drops every fact after it (journeys still in flight).
	Now  time.Time
	Seed uint64
	// Prefix starts every journey ID ("ref-<prefix>-..."); default "demo".
	Prefix string
	// PCNCount overrides the number of PCNs (default one per 50,000 people).
	PCNCount int
}

// PCNs returns the synthetic PCN ODS codes of the options' population.
func PCNs(o Options) []string {
	n := max(1, o.Population/50000)
	if o.PCNCount > 0 {
		n = o.PCNCount
	}
	out := make([]string, n)
	for i := range out {
		out[i] = "U" + strconv.Itoa(10001+i)
	}
	return out
}

// Generate returns the facts of a year of journeys, each journey's facts in order. About 8% of
// the population is referred to MSK and 1.5% to COPD in the year.
func Generate(o Options) []*dashboardv1.RecordJourneyFactRequest {
	if o.Prefix == "" {
		o.Prefix = "demo"
	}
	g := &gen{o: o, r: rand.New(rand.NewPCG(o.Seed, 0x5eed)), pcns: PCNs(o), //nolint:gosec // reproducible synthetic data, not secrets
		ra: rand.New(rand.NewPCG(o.Seed, 0xad)), //nolint:gosec // admissions draw apart, so the other facts stay as they were
	}
	msk, copd := o.Population*8/100, o.Population*15/1000
	for i := range msk + copd {
		g.journey(i, i >= msk)
	}
	return g.out
}

type gen struct {
	o    Options
	r    *rand.Rand
	ra   *rand.Rand // hospital admissions
	pcns []string
	out  []*dashboardv1.RecordJourneyFactRequest
	// current journey
	base *dashboardv1.RecordJourneyFactRequest
	seq  int
}

func (g *gen) days(lo, hi int) time.Duration {
	return time.Duration(lo+g.r.IntN(hi-lo+1))*24*time.Hour + time.Duration(g.r.IntN(8*3600))*time.Second
}

func (g *gen) normal(mean, sd, lo, hi float64) float64 {
	v := mean + sd*g.r.NormFloat64()
	return math.Round(math.Max(lo, math.Min(hi, v)))
}

func (g *gen) segment(copd bool) journeyv1.Segment {
	p := g.r.Float64()
	switch {
	case copd && p < 0.7, !copd && p >= 0.6 && p < 0.9:
		return journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS
	case copd, p >= 0.9:
		return journeyv1.Segment_SEGMENT_COMPLEX
	}
	return journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY
}

// emit adds a fact at t unless t is after now; it reports whether it did.
func (g *gen) emit(t time.Time, set func(*dashboardv1.RecordJourneyFactRequest)) bool {
	if t.After(g.o.Now) {
		return false
	}
	r := &dashboardv1.RecordJourneyFactRequest{
		EventId:   events.EventID(events.JourneyCategory, g.base.GetJourneyId(), strconv.Itoa(g.seq)).String(),
		JourneyId: g.base.GetJourneyId(), Pathway: g.base.GetPathway(), PcnOdsCode: g.base.GetPcnOdsCode(),
		Segment: g.base.GetSegment(), OccurredAt: timestamppb.New(t),
	}
	g.seq++
	set(r)
	g.out = append(g.out, r)
	return true
}

func (g *gen) journey(i int, copd bool) {
	pathway := "msk"
	if copd {
		pathway = "copd"
	}
	g.seq = 0
	g.base = &dashboardv1.RecordJourneyFactRequest{
		JourneyId: "ref-" + g.o.Prefix + "-" + pathway + "-" + strconv.Itoa(i), Pathway: &journeyv1.PathwayRef{PathwayId: pathway, Version: 1},
		PcnOdsCode: g.pcns[g.r.IntN(len(g.pcns))], Segment: g.segment(copd),
	}
	referred := g.o.Start.Add(time.Duration(g.r.Int64N(int64(365 * 24 * time.Hour))))
	if !g.emit(referred, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Referral{Referral: &dashboardv1.ReferralFact{
			Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, ReferredAt: timestamppb.New(referred)}}
	}) {
		return
	}
	if copd {
		g.copd(referred)
		return
	}
	g.msk(referred)
}
