package e2e

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
	"gopkg.in/yaml.v3"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// pathwayDoc is the part of a pathway version document (governance's canonical YAML) the
// reconciliation reads: the catalogue with each intervention's provider and unit price, and the
// stages, dispositions and measures that say what a coordinator may do next. It is decoded here
// from the document as published, so the expected money does not come from the code under test.
type pathwayDoc struct {
	ID            string            `yaml:"id"`
	Version       int               `yaml:"version"`
	Stages        []docStage        `yaml:"stages"`
	Dispositions  []docDisposition  `yaml:"dispositions"`
	Measures      []docMeasure      `yaml:"measures"`
	Interventions []docIntervention `yaml:"interventions"`
	Discharge     struct {
		FollowUpMonths []int `yaml:"follow_up_months"`
	} `yaml:"discharge"`
}

type docStage struct {
	ID            string   `yaml:"id"`
	Kind          string   `yaml:"kind"`
	Next          []string `yaml:"next"`
	Interventions []string `yaml:"interventions"`
	EntryWhen     *docRule `yaml:"entry_when"`
}

type docDisposition struct {
	ID    string `yaml:"id"`
	Stage string `yaml:"stage"`
}

type docMeasure struct {
	ID      string  `yaml:"id"`
	Scale   string  `yaml:"scale"`
	Min     float64 `yaml:"min"`
	Max     float64 `yaml:"max"`
	Collect struct {
		Baseline       string `yaml:"baseline"`
		AtDischarge    bool   `yaml:"at_discharge"`
		FollowUpMonths []int  `yaml:"follow_up_months"`
	} `yaml:"collect"`
}

// docPrices are a version's intervention prices as contract terms agree them.
func docPrices(doc *pathwayDoc) []*financev1.InterventionPrice {
	var out []*financev1.InterventionPrice
	for _, iv := range doc.Interventions {
		out = append(out, &financev1.InterventionPrice{InterventionCode: iv.ID, UnitPricePence: iv.UnitPricePence})
	}
	return out
}

// builtinPrices are the unit prices of a built-in pathway's first published version.
func builtinPrices(pathwayID string) []*financev1.InterventionPrice {
	var out []*financev1.InterventionPrice
	for _, d := range pathway.Builtin() {
		if d.ID == pathwayID {
			for _, iv := range d.Interventions {
				out = append(out, &financev1.InterventionPrice{InterventionCode: iv.ID, UnitPricePence: iv.UnitPricePence})
			}
		}
	}
	return out
}

type docIntervention struct {
	ID             string   `yaml:"id"`
	Provider       string   `yaml:"provider"`
	UnitPricePence int64    `yaml:"unit_price_pence"`
	EligibleWhen   *docRule `yaml:"eligible_when"`
}

// docRule is a condition over the latest recorded scores: every All and, if any, one Any.
type docRule struct {
	All []docCondition `yaml:"all"`
	Any []docCondition `yaml:"any"`
}

type docCondition struct {
	Measure string  `yaml:"measure"`
	Op      string  `yaml:"op"`
	Value   float64 `yaml:"value"`
}

func parsePathwayDoc(doc string) (*pathwayDoc, error) {
	var d pathwayDoc
	if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("decode pathway document: %w", err)
	}
	if d.ID == "" || len(d.Interventions) == 0 {
		return nil, fmt.Errorf("pathway document %q v%d has no catalogue", d.ID, d.Version)
	}
	return &d, nil
}

func (d *pathwayDoc) intervention(code string) (docIntervention, bool) {
	i := slices.IndexFunc(d.Interventions, func(iv docIntervention) bool { return iv.ID == code })
	if i < 0 {
		return docIntervention{}, false
	}
	return d.Interventions[i], true
}

func (d *pathwayDoc) stage(id string) docStage {
	i := slices.IndexFunc(d.Stages, func(s docStage) bool { return s.ID == id })
	if i < 0 {
		return docStage{ID: id}
	}
	return d.Stages[i]
}

// holds evaluates the rule on scores; no rule always holds, a missing score never does.
func (r *docRule) holds(scores map[string]float64) bool {
	if r == nil {
		return true
	}
	ok := func(c docCondition) bool {
		v, seen := scores[c.Measure]
		if !seen {
			return false
		}
		switch c.Op {
		case "<":
			return v < c.Value
		case "<=":
			return v <= c.Value
		case "==":
			return v == c.Value
		case "!=":
			return v != c.Value
		case ">=":
			return v >= c.Value
		case ">":
			return v > c.Value
		}
		return false
	}
	for _, c := range r.All {
		if !ok(c) {
			return false
		}
	}
	return len(r.Any) == 0 || slices.ContainsFunc(r.Any, ok)
}

// stepKind is one coordinator call of a scripted journey.
type stepKind int

const (
	stepBook stepKind = iota
	stepStart
	stepComplete
	stepDNA
	stepTriage
	stepOutcome
	stepDischarge
	stepCancel
)

var stepNames = [...]string{"book", "start", "complete", "did-not-attend", "triage", "outcome", "discharge", "cancel"}

// scriptStep is one call; booking indexes the journey's bookings (start, complete, did-not-attend).
type scriptStep struct {
	kind        stepKind
	code        string
	booking     int
	disposition string
	point       string
	stage       string
	measures    []*coordinatorv1.Measure
	// resend sends the same request ID a second time, as a client retry would.
	resend bool
}

func (s scriptStep) String() string {
	switch s.kind {
	case stepBook, stepStart, stepComplete, stepDNA:
		return fmt.Sprintf("%s %s #%d", stepNames[s.kind], s.code, s.booking)
	case stepTriage:
		return "triage " + s.disposition
	case stepOutcome:
		return "outcome " + s.point
	default:
		return stepNames[s.kind]
	}
}

// ending is how a scripted journey ends.
type ending int

const (
	endDischarged ending = iota
	endCancelled
	endOpen
)

// journeyScript is one random journey: the referral and the calls that follow it.
type journeyScript struct {
	pathway  string
	segment  journeyv1.Segment
	source   journeyv1.ReferralSource
	pcn      string
	practice string
	ending   ending
	steps    []scriptStep
}

// scriptGen writes one journey's script from the pinned document, tracking what the workflow
// will hold (stage, latest scores) so that every call it writes is one the journey accepts.
type scriptGen struct {
	r        *rand.Rand
	doc      *pathwayDoc
	scores   map[string]float64
	stage    string
	bookings int
	// open lets bookings stay scheduled or started (the journey is not going to be discharged).
	open  bool
	steps []scriptStep
}

// fate is what happens to a booking.
type fate int

const (
	fateComplete fate = iota
	fateStartComplete
	fateDNA
	fateLeaveBooked
	fateLeaveStarted
)

func (g *scriptGen) add(s scriptStep) {
	s.resend = g.r.IntN(8) == 0
	g.steps = append(g.steps, s)
}

// book books code and plays out a random fate; a discharged journey leaves nothing open.
func (g *scriptGen) book(code string) {
	n := 3
	if g.open {
		n = 5
	}
	g.bookWith(code, fate(g.r.IntN(n)))
}

func (g *scriptGen) bookWith(code string, f fate) {
	k := g.bookings
	g.bookings++
	g.add(scriptStep{kind: stepBook, code: code, booking: k})
	on := func(kind stepKind) { g.add(scriptStep{kind: kind, code: code, booking: k}) }
	switch f {
	case fateComplete:
		on(stepComplete)
	case fateStartComplete:
		on(stepStart)
		on(stepComplete)
	case fateDNA:
		on(stepDNA)
	case fateLeaveStarted:
		on(stepStart)
	case fateLeaveBooked:
	}
}

// deliver books code until it is delivered: sometimes a missed appointment comes first.
func (g *scriptGen) deliver(code string) {
	if g.r.IntN(5) == 0 {
		g.bookWith(code, fateDNA)
	}
	g.bookWith(code, fate(g.r.IntN(2)))
}

// measures scores the measures pick chooses, within each measure's range, and records them.
func (g *scriptGen) measures(pick func(docMeasure) bool) []*coordinatorv1.Measure {
	var out []*coordinatorv1.Measure
	for _, m := range g.doc.Measures {
		if !pick(m) {
			continue
		}
		v := m.Min + g.r.Float64()*(m.Max-m.Min)
		if m.Max-m.Min >= 4 {
			v = math.Round(v)
		} else {
			v = math.Round(v*100) / 100
		}
		v = math.Min(math.Max(v, m.Min), m.Max)
		g.scores[m.ID] = v
		out = append(out, &coordinatorv1.Measure{Code: m.ID, Value: v, Scale: m.Scale})
	}
	return out
}

func (g *scriptGen) triage() {
	d := g.doc.Dispositions[g.r.IntN(len(g.doc.Dispositions))]
	triageStage := ""
	for _, s := range g.doc.Stages {
		if s.Kind == "triage" {
			triageStage = s.ID
			break
		}
	}
	baseline := g.measures(func(m docMeasure) bool { return m.Collect.Baseline == triageStage })
	g.add(scriptStep{kind: stepTriage, disposition: d.ID, measures: baseline})
	g.stage = d.Stage
}

// offered lists the interventions of stage the journey is eligible for now.
func (g *scriptGen) offered(stage string, except []string) []string {
	var out []string
	for _, code := range g.doc.stage(stage).Interventions {
		iv, ok := g.doc.intervention(code)
		if ok && iv.EligibleWhen.holds(g.scores) && !slices.Contains(except, code) {
			out = append(out, code)
		}
	}
	return out
}

// care books one or two interventions in up to three stages, moving on to a next stage by
// booking one of its interventions.
func (g *scriptGen) care() {
	for range 3 {
		offered := g.offered(g.stage, nil)
		for range 1 + g.r.IntN(2) {
			if len(offered) > 0 {
				g.book(offered[g.r.IntN(len(offered))])
			}
		}
		if g.r.IntN(2) == 0 || !g.moveOn() {
			return
		}
	}
}

// moveOn books an intervention only a next stage offers, which moves the journey there.
func (g *scriptGen) moveOn() bool {
	here := g.doc.stage(g.stage)
	var moves [][2]string
	for _, id := range here.Next {
		next := g.doc.stage(id)
		if !next.EntryWhen.holds(g.scores) {
			continue
		}
		for _, code := range g.offered(id, here.Interventions) {
			// The workflow books a code in the first next stage that offers it (in the order the
			// version lists them), so only that stage is a move this code makes.
			if g.firstNextOffering(here, code) == id {
				moves = append(moves, [2]string{id, code})
			}
		}
	}
	if len(moves) == 0 {
		return false
	}
	m := moves[g.r.IntN(len(moves))]
	g.stage = m[0]
	g.book(m[1])
	return true
}

// firstNextOffering is the first of here's next stages whose interventions include code.
func (g *scriptGen) firstNextOffering(here docStage, code string) string {
	for _, id := range here.Next {
		if slices.Contains(g.doc.stage(id).Interventions, code) {
			return id
		}
	}
	return ""
}

func (g *scriptGen) discharge(stage string) {
	g.add(scriptStep{kind: stepDischarge, stage: stage})
	if months := g.doc.Discharge.FollowUpMonths; len(months) > 0 && g.r.IntN(3) == 0 {
		m := months[g.r.IntN(len(months))]
		ms := g.measures(func(dm docMeasure) bool { return slices.Contains(dm.Collect.FollowUpMonths, m) })
		g.add(scriptStep{kind: stepOutcome, point: fmt.Sprintf("follow-up-%dm", m), measures: ms})
	}
}

func (g *scriptGen) dischargeOutcome() {
	ms := g.measures(func(m docMeasure) bool { return m.Collect.AtDischarge })
	g.add(scriptStep{kind: stepOutcome, point: "discharge", measures: ms})
}

// mskScript: an optional booked SPA triage appointment, triage, care, then the ending.
func (g *scriptGen) mskScript(end ending) {
	if g.r.IntN(10) < 7 {
		g.book("spa-triage")
	}
	g.triage()
	g.care()
	if end == endDischarged {
		g.dischargeOutcome()
		g.discharge("")
	}
}

// copdScript: spirometry and its reading; not confirmed leaves for the GP, confirmed goes on to
// the respiratory triage appointment, triage, care, then the ending.
func (g *scriptGen) copdScript(end ending) {
	g.deliver("spirometry")
	confirmed := g.r.IntN(4) > 0
	ratio := 0.71 + g.r.Float64()*0.2
	if confirmed {
		ratio = 0.45 + g.r.Float64()*0.24
	}
	ratio = math.Round(ratio*100) / 100
	g.scores["fev1-fvc"] = ratio
	g.add(scriptStep{kind: stepOutcome, point: "baseline", measures: []*coordinatorv1.Measure{{Code: "fev1-fvc", Value: ratio}}})
	if !confirmed {
		if end == endDischarged {
			g.add(scriptStep{kind: stepDischarge, stage: "not-confirmed"})
		}
		return
	}
	g.deliver("respiratory-triage")
	g.triage()
	g.care()
	if end == endDischarged {
		g.dischargeOutcome()
		g.discharge("")
	}
}

var (
	testPCNs       = []string{coordinatorPCN} // the PCN of the coordinator the test acts as
	testPractices  = []string{"Y99101", "Y99102", "Y99103", "Y99104"}
	scriptSegments = []journeyv1.Segment{journeyv1.Segment_SEGMENT_GENERALLY_HEALTHY, journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, journeyv1.Segment_SEGMENT_COMPLEX}
	pathwaySources = map[string][]journeyv1.ReferralSource{
		"msk":  {journeyv1.ReferralSource_REFERRAL_SOURCE_GP, journeyv1.ReferralSource_REFERRAL_SOURCE_FIRST_CONTACT_PRACTITIONER, journeyv1.ReferralSource_REFERRAL_SOURCE_SELF},
		"copd": {journeyv1.ReferralSource_REFERRAL_SOURCE_GP, journeyv1.ReferralSource_REFERRAL_SOURCE_HOSPITAL_DISCHARGE},
	}
)

// randomJourney writes one journey of pathway: half are discharged, a quarter cancelled at a
// random point (even before anything happened), a quarter left in care.
func randomJourney(r *rand.Rand, doc *pathwayDoc) journeyScript {
	end := endDischarged
	if n := r.IntN(4); n >= 2 {
		end = ending(n - 1)
	}
	s := journeyScript{pathway: doc.ID, ending: end, segment: scriptSegments[r.IntN(len(scriptSegments))],
		pcn: testPCNs[r.IntN(len(testPCNs))], practice: testPractices[r.IntN(len(testPractices))]}
	s.source = pathwaySources[doc.ID][r.IntN(len(pathwaySources[doc.ID]))]
	g := &scriptGen{r: r, doc: doc, scores: map[string]float64{}, stage: "referral", open: end != endDischarged}
	if doc.ID == "copd" {
		g.copdScript(end)
	} else {
		g.mskScript(end)
	}
	s.steps = g.steps
	if end == endCancelled {
		s.steps = append(s.steps[:r.IntN(len(s.steps)+1)], scriptStep{kind: stepCancel})
	}
	return s
}

// coordinatorLine is the coordinator of the stack that is up. While the stack restarts, drivers
// wait on it, then send their call again with the same request ID, as a coordinator's client
// would after a lost answer.
type coordinatorLine struct {
	mu      sync.Mutex
	c       coordinatorv1.CoordinatorServiceClient
	changed chan struct{}
}

func (l *coordinatorLine) current() (coordinatorv1.CoordinatorServiceClient, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c, l.changed
}

func (l *coordinatorLine) switchTo(c coordinatorv1.CoordinatorServiceClient) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.c = c
	close(l.changed)
	l.changed = make(chan struct{})
}

// retryWithin bounds how long one call is retried across the restart (a journey whose activity
// was cut off waits for its 30 s start-to-close timeout before the worker retries it).
const retryWithin = 3 * time.Minute

// call runs send on the coordinator that is up until it answers, or fails for a reason other
// than the stack being down or slow (Unavailable, DeadlineExceeded: retry with the same
// request ID) or the caller going faster than their rate limit allows (ResourceExhausted: retry
// after the delay its RetryInfo names, as a well-behaved client does), or retryWithin passes.
func (run *journeyRun) call(ctx context.Context, line *coordinatorLine, send func(coordinatorv1.CoordinatorServiceClient) error) error {
	deadline := time.Now().Add(retryWithin)
	for {
		c, changed := line.current()
		err := send(c)
		code := status.Code(err)
		if err == nil || (code != codes.Unavailable && code != codes.DeadlineExceeded && code != codes.ResourceExhausted) ||
			time.Now().After(deadline) {
			return err
		}
		wait := 200 * time.Millisecond
		if code == codes.ResourceExhausted {
			wait = retryDelay(err)
		} else {
			run.retries++
		}
		select {
		case <-ctx.Done():
			return err
		case <-changed:
		case <-time.After(wait):
		}
	}
}

// retryDelay is the wait a ResourceExhausted answer's RetryInfo asks for (a second without one).
func retryDelay(err error) time.Duration {
	for _, d := range status.Convert(err).Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	return time.Second
}

// journeyRun is one scripted journey being driven: the calls made so far and the interventions
// this test completed (the only ones that may cost money).
type journeyRun struct {
	n        int
	script   journeyScript
	referral *coordinatorv1.SubmitReferralRequest
	id       string
	next     int
	ivs      []string
	// completed maps the intervention IDs this test completed to their codes.
	completed map[string]string
	// retries counts calls sent again after the stack went down.
	retries int
	err     error
}

// progress counts the calls made and the journeys that failed, across the drivers.
type progress struct{ calls, failed atomic.Int64 }

// driveAll starts reconcileDrivers goroutines driving the journeys to their end, counting in
// done; the function it returns waits for them.
func driveAll(ctx context.Context, line *coordinatorLine, runs []*journeyRun, done *progress) (wait func()) {
	work := make(chan *journeyRun)
	var wg sync.WaitGroup
	for range reconcileDrivers {
		wg.Go(func() {
			for run := range work {
				if run.err = run.drive(ctx, line, done); run.err != nil {
					done.failed.Add(1)
				}
			}
		})
	}
	go func() {
		for _, run := range runs {
			work <- run
		}
		close(work)
	}()
	return wg.Wait
}

func (run *journeyRun) drive(ctx context.Context, line *coordinatorLine, done *progress) error {
	if err := run.submit(ctx, line); err != nil {
		return err
	}
	for ; run.next < len(run.script.steps); run.next++ {
		s := run.script.steps[run.next]
		if err := run.do(ctx, line, s); err != nil {
			return fmt.Errorf("step %d (%s): %w", run.next, s, err)
		}
		done.calls.Add(1)
	}
	return nil
}

// submit submits the referral and waits until the journey has pinned its pathway version.
func (run *journeyRun) submit(ctx context.Context, line *coordinatorLine) error {
	s := run.script
	run.referral = &coordinatorv1.SubmitReferralRequest{
		ReferralId: fmt.Sprintf("E2E-RECON-%s-%02d-%s", s.pathway, run.n, uniqueSuffix()), PathwayId: s.pathway,
		NhsNumber: testNHSNumber(), PracticeOdsCode: s.practice, PcnOdsCode: s.pcn, Segment: s.segment,
		Source: s.source, Reason: "reconciliation journey", ReferredAt: timestamppb.Now()}
	err := run.call(ctx, line, func(c coordinatorv1.CoordinatorServiceClient) error {
		sub, err := c.SubmitReferral(ctx, run.referral)
		run.id = sub.GetJourneyId()
		return err
	})
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	return pollFor(ctx, retryWithin, func() error {
		c, _ := line.current()
		got, err := c.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: run.id})
		if err != nil {
			return err
		}
		if j := got.GetJourney(); j.GetVersion() == 0 || j.GetStage() == "" {
			return fmt.Errorf("%s not pinned: version %d, stage %q", run.id, j.GetVersion(), j.GetStage())
		}
		return nil
	})
}

// do sends one step (twice when the script resends it: the retry must get the first answer).
func (run *journeyRun) do(ctx context.Context, line *coordinatorLine, s scriptStep) error {
	var res, again *coordinatorv1.TransitionResult
	err := run.call(ctx, line, func(c coordinatorv1.CoordinatorServiceClient) (err error) {
		res, err = run.send(ctx, c, s)
		return err
	})
	if err != nil {
		return err
	}
	if s.resend {
		err := run.call(ctx, line, func(c coordinatorv1.CoordinatorServiceClient) (err error) {
			again, err = run.send(ctx, c, s)
			return err
		})
		if err != nil {
			return fmt.Errorf("resent: %w", err)
		}
		if !proto.Equal(res, again) {
			return fmt.Errorf("resent request answered %v, the first answer was %v", again, res)
		}
	}
	switch s.kind {
	case stepBook:
		if len(run.ivs) != s.booking || res.GetInterventionId() == "" {
			return fmt.Errorf("booking %d answered intervention %q after %d bookings", s.booking, res.GetInterventionId(), len(run.ivs))
		}
		run.ivs = append(run.ivs, res.GetInterventionId())
	case stepComplete:
		run.completed[run.ivs[s.booking]] = s.code
	case stepStart, stepDNA, stepTriage, stepOutcome, stepDischarge, stepCancel:
	}
	return nil
}

type transitionAnswer interface {
	GetResult() *coordinatorv1.TransitionResult
}

func (run *journeyRun) send(ctx context.Context, c coordinatorv1.CoordinatorServiceClient, s scriptStep) (*coordinatorv1.TransitionResult, error) {
	id, rid := run.id, fmt.Sprintf("recon-step-%d", run.next)
	iv := func() string { return run.ivs[s.booking] }
	var res transitionAnswer
	var err error
	switch s.kind {
	case stepBook:
		res, err = c.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: id, RequestId: rid,
			Intervention: s.code, ScheduledFor: timestamppb.New(run.referral.GetReferredAt().AsTime().Add(time.Duration(24+run.next) * time.Hour))})
	case stepStart:
		res, err = c.StartIntervention(ctx, &coordinatorv1.StartInterventionRequest{JourneyId: id, RequestId: rid, InterventionId: iv()})
	case stepComplete:
		res, err = c.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: id, RequestId: rid, InterventionId: iv()})
	case stepDNA:
		res, err = c.RecordDidNotAttend(ctx, &coordinatorv1.RecordDidNotAttendRequest{JourneyId: id, RequestId: rid, InterventionId: iv()})
	case stepTriage:
		res, err = c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: id, RequestId: rid, Disposition: s.disposition, Baseline: s.measures})
	case stepOutcome:
		res, err = c.RecordOutcome(ctx, &coordinatorv1.RecordOutcomeRequest{JourneyId: id, RequestId: rid, CollectionPoint: s.point, Measures: s.measures})
	case stepDischarge:
		res, err = c.Discharge(ctx, &coordinatorv1.DischargeRequest{JourneyId: id, RequestId: rid, Reason: "treatment-complete", Stage: s.stage})
	case stepCancel:
		res, err = c.Cancel(ctx, &coordinatorv1.CancelRequest{JourneyId: id, RequestId: rid, Reason: "moved-away"})
	}
	if err != nil {
		return nil, err
	}
	return res.GetResult(), nil
}

// pollFor calls cond until it holds or within passes (then its last error is returned).
func pollFor(ctx context.Context, within time.Duration, cond func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %s: %w", within, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
