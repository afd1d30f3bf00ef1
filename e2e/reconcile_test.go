package e2e

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London contract months without relying on the host's zoneinfo

	"github.com/stretchr/testify/require"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// reconcileSeed replays one run of TestReconcileLedgerAndFeedWithDeliveredInterventions.
var reconcileSeed = flag.Int64("reconcile.seed", 0, "seed of the reconciliation test's random journeys (0: time-based)")

const (
	// reconcileJourneys is how many random journeys the reconciliation drives.
	reconcileJourneys = 48
	// reconcileDrivers is how many coordinators drive them at once.
	reconcileDrivers = 4
)

// TestReconcileLedgerAndFeedWithDeliveredInterventions drives random MSK and COPD journeys
// through the real coordinator, worker and finance service from several goroutines, kills the
// devstack (SIGKILL) while they run, so calls and the worker's pushes are cut off mid-flight and
// retried, finishes the journeys on the restarted stack, and checks
// that the ledger, the provider statements and the capitation feed each hold exactly the unit
// prices of the delivered (completed) interventions, per provider and per contract month, to the
// penny, every charge once.
func TestReconcileLedgerAndFeedWithDeliveredInterventions(t *testing.T) {
	requireFull(t)
	t.Parallel()
	seed := *reconcileSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d", seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("reconciliation failed; replay its journeys with -run TestReconcile -reconcile.seed=%d", seed)
		}
	})
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))

	dir := t.TempDir()
	started := time.Now()
	first := startForTest(t, dir, false)
	docs := versionsInEffect(t, first)
	contracts := createContracts(t, first, time.Now(), docs)
	runs := make([]*journeyRun, reconcileJourneys)
	steps := 0
	for i := range runs {
		doc := docs[[]string{"msk", "copd"}[r.IntN(2)]]
		runs[i] = &journeyRun{n: i, script: randomJourney(r, doc), completed: map[string]string{}}
		steps += len(runs[i].script.steps)
	}
	crashAfter := int64(steps * (30 + r.IntN(41)) / 100)

	// Each connection carries the coordinator's token of its own stack (the restarted stack's
	// provider has another address, so another issuer).
	line := &coordinatorLine{c: first.coordinatorAs(t, coordinatorPerson), changed: make(chan struct{})}
	var done progress
	wait := driveAll(t.Context(), line, runs, &done)
	eventually(t, 5*time.Minute, fmt.Sprintf("%d of %d calls made", crashAfter, steps), func() error {
		if n := done.calls.Load(); n < crashAfter && done.failed.Load() == 0 {
			return fmt.Errorf("%d calls made", n)
		}
		return nil
	})
	callsBefore := recordActivityCalls(t, first)
	require.NoError(t, first.kill())
	t.Logf("SIGKILL after %d of %d calls (%s in); finance had answered %d RecordActivity calls",
		done.calls.Load(), steps, time.Since(started).Round(time.Millisecond), callsBefore)
	second := startForTest(t, dir, false)
	line.switchTo(second.coordinatorAs(t, coordinatorPerson))
	wait()
	retried := 0
	for _, run := range runs {
		require.NoError(t, run.err, "journey %d (%s, %s)", run.n, run.script.pathway, run.id)
		retried += run.retries
	}
	t.Logf("journeys driven in %s; %d calls sent again across the restart", time.Since(started).Round(time.Millisecond), retried)

	phase := time.Now()
	journeys := awaitDelivered(t, second, runs)
	t.Logf("every push delivered %s after the last call", time.Since(phase).Round(time.Millisecond))
	want := expectCharges(t, second, runs, journeys)
	for _, id := range contracts {
		requireLedger(t, second, id, want)
		requireStatements(t, second, id, want)
	}
	fed := readFeed(t, second)
	requireFeed(t, fed, want)

	// Informational only: the first process's counter is read just before the SIGKILL, so calls
	// it answered in between are counted by neither process (a lower bound, not an assertion;
	// the ledger and feed checks above are what prove every charge applied once).
	calls := callsBefore + recordActivityCalls(t, second)
	want.log(t, runs)
	t.Logf("RecordActivity answered OK at least %d times for %d charges; %d feed events; total %s",
		calls, len(want.charges), fed.events, time.Since(started).Round(time.Millisecond))
}

// londonTZ is the time zone of contract years and months (finance takes every date there).
func londonTZ(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return loc
}

// contractOf names the contract a charge at t falls in: the pathway's April-March year of
// t's London date.
func contractOf(t *testing.T, pathway string, at time.Time) string {
	d := at.In(londonTZ(t))
	year := d.Year()
	if d.Month() < time.April {
		year--
	}
	return fmt.Sprintf("%s-%d", pathway, year)
}

// createContracts creates the MSK and COPD contracts of the contract year holding now (and of
// the next one, should a contract year start within the hour the test runs) and returns their IDs.
// createContracts agrees each pathway's contracts at the unit prices of the versions in effect
// (finance books the contract's price, never the one an ingest request states).
func createContracts(t *testing.T, d *devstack, now time.Time, docs map[string]*pathwayDoc) []string {
	t.Helper()
	fin := d.finance(t)
	var ids []string
	for _, pathway := range []string{"msk", "copd"} {
		for _, at := range []time.Time{now, now.Add(time.Hour)} {
			id := contractOf(t, pathway, at)
			if slices.Contains(ids, id) {
				continue
			}
			var year int32
			_, err := fmt.Sscanf(id, pathway+"-%d", &year)
			require.NoError(t, err, id)
			_, err = fin.CreateContract(d.financeAdmin(t), &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
				PathwayId: pathway, ContractYear: year, AnnualBudgetPence: 900_000_000, Population: 250_000, Currency: "GBP",
				UnitPrices: docPrices(docs[pathway])}})
			require.NoError(t, err, id)
			ids = append(ids, id)
		}
	}
	return ids
}

// versionsInEffect reads the pathway versions referrals pin now.
func versionsInEffect(t *testing.T, d *devstack) map[string]*pathwayDoc {
	t.Helper()
	gov := governancev1.NewGovernanceServiceClient(d.dial(t, d.addr.governance))
	out := map[string]*pathwayDoc{}
	for _, pathway := range []string{"msk", "copd"} {
		v, err := gov.GetVersionInEffect(d.coordinating(t), &governancev1.GetVersionInEffectRequest{PathwayId: pathway})
		require.NoError(t, err, pathway)
		doc, err := parsePathwayDoc(v.GetDocumentYaml())
		require.NoError(t, err, pathway)
		out[pathway] = doc
	}
	return out
}

// recordActivityCalls is how many RecordActivity calls the finance service answered OK since
// it started (its Prometheus counter; a redelivered charge answers OK as a duplicate).
func recordActivityCalls(t *testing.T, d *devstack) int64 {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://"+d.addr.financeHTTP+"/metrics", nil)
	require.NoError(t, err)
	resp, err := d.scraper(t).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var n int64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "finance_rpc_requests_total{") || !strings.Contains(line, "FinanceIngestService/RecordActivity\"") ||
			!strings.Contains(line, `code="OK"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		require.NoError(t, err, line)
		n += int64(v)
	}
	require.NoError(t, sc.Err())
	return n
}

// awaitDelivered waits until every journey has pushed all its facts, and returns each journey.
func awaitDelivered(t *testing.T, d *devstack, runs []*journeyRun) map[string]*coordinatorv1.Journey {
	t.Helper()
	c := d.coordinator(t)
	out := map[string]*coordinatorv1.Journey{}
	eventually(t, 3*time.Minute, "every journey's pushes delivered", func() error {
		for _, run := range runs {
			if j := out[run.id]; j != nil && j.GetPendingPushes() == 0 {
				continue
			}
			got, err := c.GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: run.id})
			if err != nil {
				return err
			}
			out[run.id] = got.GetJourney()
			if n := got.GetJourney().GetPendingPushes(); n != 0 {
				return fmt.Errorf("%s: %d pending pushes", run.id, n)
			}
		}
		return nil
	})
	return out
}

// charge is one delivered intervention as finance must cost it.
type charge struct {
	contract, journey, intervention, code, provider, month string
	pence                                                  int64
}

// tally is money and a count of activities.
type tally struct{ pence, activities int64 }

// expected is what the ledger and the feed must hold: every charge, once.
type expected struct {
	charges   map[[2]string]charge
	providers []string
}

func (e expected) add(c charge) { e.charges[[2]string{c.journey, c.intervention}] = c }

// by totals a contract's charges by key.
func (e expected) by(contract string, key func(charge) string) map[string]tally {
	out := map[string]tally{}
	for _, c := range e.charges {
		if c.contract == contract {
			t := out[key(c)]
			out[key(c)] = tally{t.pence + c.pence, t.activities + 1}
		}
	}
	return out
}

func byProvider(c charge) string { return c.provider }
func byMonth(c charge) string    { return c.month }
func byCode(c charge) string     { return c.code }
func byAll(charge) string        { return "" }

// expectCharges reads each journey's pinned version from governance and prices the
// interventions this test completed, in the month the workflow recorded each completion.
func expectCharges(t *testing.T, d *devstack, runs []*journeyRun, journeys map[string]*coordinatorv1.Journey) expected {
	t.Helper()
	gov := governancev1.NewGovernanceServiceClient(d.dial(t, d.addr.governance))
	docs := map[string]*pathwayDoc{}
	want := expected{charges: map[[2]string]charge{}}
	pinned := func(pathway string, version int32) *pathwayDoc {
		key := fmt.Sprintf("%s v%d", pathway, version)
		if docs[key] == nil {
			v, err := gov.GetVersion(d.coordinating(t), &governancev1.GetVersionRequest{PathwayId: pathway, Version: version})
			require.NoError(t, err, key)
			doc, err := parsePathwayDoc(v.GetDocumentYaml())
			require.NoError(t, err, key)
			docs[key] = doc
			for _, iv := range doc.Interventions {
				if !slices.Contains(want.providers, iv.Provider) {
					want.providers = append(want.providers, iv.Provider)
				}
			}
		}
		return docs[key]
	}
	for _, run := range runs {
		j := journeys[run.id]
		require.Contains(t, endStatuses[run.script.ending], j.GetStatus(), "%s ends %v", run.id, run.script.ending)
		doc := pinned(j.GetPathwayId(), j.GetVersion())
		completed := 0
		for _, iv := range j.GetInterventions() {
			if iv.GetStatus() != "completed" {
				require.NotContains(t, run.completed, iv.GetInterventionId(), "%s: completed by this test, %s in the journey", run.id, iv.GetStatus())
				continue
			}
			completed++
			require.Equal(t, run.completed[iv.GetInterventionId()], iv.GetCode(), "%s %s", run.id, iv.GetInterventionId())
			item, ok := doc.intervention(iv.GetCode())
			require.True(t, ok, "%s is in the catalogue of %s v%d", iv.GetCode(), doc.ID, doc.Version)
			require.Equal(t, item.Provider, iv.GetProvider(), "%s: provider of the pinned version", iv.GetCode())
			require.Equal(t, item.UnitPricePence, iv.GetUnitPricePence(), "%s: unit price of the pinned version", iv.GetCode())
			at := iv.GetCompletedAt().AsTime()
			want.add(charge{contract: contractOf(t, j.GetPathwayId(), at), journey: run.id, intervention: iv.GetInterventionId(),
				code: iv.GetCode(), provider: item.Provider, month: at.In(londonTZ(t)).Format("2006-01"), pence: item.UnitPricePence})
		}
		require.Len(t, run.completed, completed, "%s: every intervention this test completed is completed", run.id)
	}
	return want
}

var endStatuses = map[ending][]string{endDischarged: {"discharged", "closed"}, endCancelled: {"cancelled"}, endOpen: {"active"}}

// spentLines turns spend lines into tallies, leaving out lines with nothing spent (months ahead).
func spentLines(lines []*financev1.SpendLine) map[string]tally {
	out := map[string]tally{}
	for _, l := range lines {
		if l.GetSpentPence() != 0 || l.GetActivities() != 0 {
			out[l.GetKey()] = tally{l.GetSpentPence(), l.GetActivities()}
		}
	}
	return out
}

// requireLedger checks the contract's budget position: total, by provider, month and intervention.
func requireLedger(t *testing.T, d *devstack, contract string, want expected) {
	t.Helper()
	pos := budget(t, d, contract)
	got := tally{pos.GetSpentPence(), pos.GetActivities()}
	require.Equal(t, want.by(contract, byAll)[""], got, "%s spent and activities", contract)
	require.Equal(t, want.by(contract, byProvider), spentLines(pos.GetByProvider()), "%s by provider", contract)
	require.Equal(t, want.by(contract, byMonth), spentLines(pos.GetByMonth()), "%s by month", contract)
	require.Equal(t, want.by(contract, byCode), spentLines(pos.GetByIntervention()), "%s by intervention", contract)
}

// requireStatements checks every provider's statement under the contract, for the year and for
// each month it was charged in.
func requireStatements(t *testing.T, d *devstack, contract string, want expected) {
	t.Helper()
	fin := d.finance(t)
	for _, provider := range want.providers {
		st, err := fin.GetProviderStatement(d.financeReading(t), &financev1.GetProviderStatementRequest{ContractId: contract, Provider: provider})
		require.NoError(t, err, "%s %s", contract, provider)
		got := map[string]tally{}
		for _, l := range st.GetLines() {
			k := l.GetMonth() + " " + l.GetInterventionCode()
			got[k] = tally{got[k].pence + l.GetAmountPence(), got[k].activities + l.GetActivities()}
		}
		mine := func(c charge) string {
			if c.provider != provider {
				return "other provider"
			}
			return c.month + " " + c.code
		}
		lines := want.by(contract, mine)
		delete(lines, "other provider")
		require.Equal(t, lines, got, "statement of %s under %s", provider, contract)
		total := want.by(contract, byProvider)[provider]
		require.Equal(t, total.pence, st.GetTotalPence(), "statement total of %s under %s", provider, contract)
		for month, m := range want.by(contract, func(c charge) string { return c.provider + " " + c.month }) {
			if p, mon, _ := strings.Cut(month, " "); p == provider {
				st, err := fin.GetProviderStatement(d.financeReading(t), &financev1.GetProviderStatementRequest{ContractId: contract, Provider: provider, Month: mon})
				require.NoError(t, err)
				require.Equal(t, m.pence, st.GetTotalPence(), "statement of %s under %s for %s", provider, contract, mon)
			}
		}
	}
}

// fedEvents is the capitation feed read from the start up to a marker.
type fedEvents struct {
	events  int
	ids     map[string]int
	costed  []*financev1.ActivityCosted
	payable []*financev1.ProviderPayable
}

// readFeed creates a marker contract (its ContractCreated is committed after every charge
// already applied) and follows the feed from the start until the marker: what came before it is
// the whole feed so far.
func readFeed(t *testing.T, d *devstack) fedEvents {
	t.Helper()
	const marker = "reconmarker-2099"
	_, err := d.finance(t).CreateContract(d.financeAdmin(t), &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "reconmarker", ContractYear: 2099, AnnualBudgetPence: 100, Currency: "GBP"}})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(d.financeReading(t), 2*time.Minute)
	defer cancel()
	stream, err := financev1.NewFinanceFeedServiceClient(d.dial(t, d.addr.finance)).Follow(ctx, &financev1.FollowRequest{})
	require.NoError(t, err)
	f := fedEvents{ids: map[string]int{}}
	for last := uint64(0); ; {
		msg, err := stream.Recv()
		require.NoError(t, err, "feed after cursor %d", last)
		require.Equal(t, last+1, msg.GetCursor(), "feed cursors run 1, 2, 3, ... with no gaps")
		last = msg.GetCursor()
		f.events++
		f.ids[msg.GetEventId()]++
		ev := msg.GetEvent()
		switch {
		case ev.GetActivityCosted() != nil:
			f.costed = append(f.costed, ev.GetActivityCosted())
		case ev.GetProviderPayable() != nil:
			f.payable = append(f.payable, ev.GetProviderPayable())
		case ev.GetContractCreated().GetContract().GetContractId() == marker:
			return f
		}
	}
}

// requireFeed checks the feed carries every charge once (ActivityCosted and ProviderPayable),
// with the same totals per provider and month, and running totals that add up in feed order.
func requireFeed(t *testing.T, f fedEvents, want expected) {
	t.Helper()
	for id, n := range f.ids {
		require.Equal(t, 1, n, "feed event %s appears once", id)
	}
	got := map[[2]string]charge{}
	sources := map[string]string{}
	spentToDate := map[string]int64{}
	for _, c := range f.costed {
		key := [2]string{c.GetJourneyId(), c.GetInterventionId()}
		require.NotContains(t, got, key, "%s %s costed once", key[0], key[1])
		require.NotContains(t, sources, c.GetSourceEventId(), "source event %s costed once", c.GetSourceEventId())
		require.Equal(t, c.GetOccurredAt().AsTime().In(londonTZ(t)).Format("2006-01"), c.GetMonth(), "month of %s", c.GetSourceEventId())
		got[key] = charge{contract: c.GetContractId(), journey: c.GetJourneyId(), intervention: c.GetInterventionId(),
			code: c.GetInterventionCode(), provider: c.GetProvider(), month: c.GetMonth(), pence: c.GetUnitPricePence()}
		sources[c.GetSourceEventId()] = c.GetContractId() + " " + c.GetProvider() + " " + c.GetMonth()
		spentToDate[c.GetContractId()] += c.GetUnitPricePence()
		require.Equal(t, spentToDate[c.GetContractId()], c.GetSpentToDatePence(), "spent to date after %s", c.GetSourceEventId())
	}
	require.Equal(t, want.charges, got, "the feed's ActivityCosted events are the delivered interventions, each once")

	payable := map[string]tally{}
	payableToDate := map[string]int64{}
	for _, p := range f.payable {
		key := p.GetContractId() + " " + p.GetProvider() + " " + p.GetMonth()
		require.Equal(t, sources[p.GetSourceEventId()], key, "ProviderPayable of %s matches its ActivityCosted", p.GetSourceEventId())
		delete(sources, p.GetSourceEventId())
		payable[key] = tally{payable[key].pence + p.GetAmountPence(), payable[key].activities + 1}
		payableToDate[p.GetContractId()+" "+p.GetProvider()] += p.GetAmountPence()
		require.Equal(t, payableToDate[p.GetContractId()+" "+p.GetProvider()], p.GetPayableToDatePence(), "payable to date after %s", p.GetSourceEventId())
	}
	require.Empty(t, sources, "every costed activity has its ProviderPayable")
	perProviderMonth := map[string]tally{}
	for _, c := range want.charges {
		key := c.contract + " " + c.provider + " " + c.month
		perProviderMonth[key] = tally{perProviderMonth[key].pence + c.pence, perProviderMonth[key].activities + 1}
	}
	require.Equal(t, perProviderMonth, payable, "ProviderPayable totals per contract, provider and month")
}

// log reports what the run did and the money it moved.
func (e expected) log(t *testing.T, runs []*journeyRun) {
	t.Helper()
	var steps, booked, completed, dna, resent int
	ends := map[ending]int{}
	paths := map[string]int{}
	for _, run := range runs {
		ends[run.script.ending]++
		paths[run.script.pathway]++
		steps += len(run.script.steps)
		for _, s := range run.script.steps {
			switch s.kind {
			case stepBook:
				booked++
			case stepComplete:
				completed++
			case stepDNA:
				dna++
			case stepStart, stepTriage, stepOutcome, stepDischarge, stepCancel:
			}
			if s.resend {
				resent++
			}
		}
	}
	t.Logf("journeys: %d (msk %d, copd %d; discharged %d, cancelled %d, left in care %d); %d calls after the referrals (%d resent), %d bookings, %d completed, %d did not attend",
		len(runs), paths["msk"], paths["copd"], ends[endDischarged], ends[endCancelled], ends[endOpen], steps, resent, booked, completed, dna)
	totals := map[string]tally{}
	for _, c := range e.charges {
		for _, k := range []string{c.contract + " " + c.provider + " " + c.month, c.contract + " (all providers)"} {
			totals[k] = tally{totals[k].pence + c.pence, totals[k].activities + 1}
		}
	}
	keys := slices.Sorted(maps.Keys(totals))
	for _, k := range keys {
		t.Logf("  %-36s %4d activities  £%d.%02d", k, totals[k].activities, totals[k].pence/100, totals[k].pence%100)
	}
}
