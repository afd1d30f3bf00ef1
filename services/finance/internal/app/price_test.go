package app

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// charged returns the amounts of the ActivityCosted and ProviderPayable events, in order.
func charged(evs []Event) (costed, payable []int64) {
	for _, e := range evs {
		switch e := e.(type) {
		case ActivityCosted:
			costed = append(costed, e.UnitPricePence)
		case ProviderPayable:
			payable = append(payable, e.AmountPence)
		}
	}
	return costed, payable
}

// TestIngestBooksTheContractPriceNotTheStatedOne: whatever unit price an activity states (the
// contract's, none, far more, a penny), the ledger, the provider's statement, the export and the
// capitation events carry the contract's agreed price; a stated price that differs is logged with
// the event ID only.
func TestIngestBooksTheContractPriceNotTheStatedOne(t *testing.T) {
	a, l := newApp(t)
	var logged bytes.Buffer
	a.log = slog.New(slog.NewTextHandler(&logged, nil))
	create(t, a, mskTerms()) // physio-f2f: 4,500
	for i, stated := range []int64{4_500, 0, domain.MaxPricePence, 1} {
		record(t, a, activity(t, fmt.Sprintf("ev-%d", i+1), "ref-1", "RTG", "physio-f2f", stated, "2026-10-14 10:00"))
	}

	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.EqualValues(t, 4*4_500, p.SpentPence)
	require.Equal(t, []SpendLine{{Key: "physio-f2f", SpentPence: 4 * 4_500, Activities: 4}}, p.ByIntervention)
	st, err := a.Statement(t.Context(), "msk-2026", "RTG", "")
	require.NoError(t, err)
	require.EqualValues(t, 4*4_500, st.TotalPence)
	csv, err := a.ExportMonth(t.Context(), "msk-2026", "2026-10")
	require.NoError(t, err)
	require.Equal(t, 4, strings.Count(string(csv), ",4500,45.00\n"), string(csv))
	costed, payable := charged(l.events(t))
	require.Equal(t, []int64{4_500, 4_500, 4_500, 4_500}, costed)
	require.Equal(t, []int64{4_500, 4_500, 4_500, 4_500}, payable)

	warnings := strings.Split(strings.TrimSpace(logged.String()), "\n")
	require.Len(t, warnings, 2, logged.String()) // ev-3 and ev-4 stated another price
	require.Contains(t, warnings[0], "event_id=ev-3 contract_id=msk-2026 intervention_code=physio-f2f stated_pence=100000000 booked_pence=4500")
	require.Contains(t, warnings[1], "event_id=ev-4")
	require.NotContains(t, logged.String(), "ref-1", "no journey in the log")
}

// TestIngestWithoutAnAgreedPriceIsRefusedUntilTheContractAgreesOne: an activity whose code has no
// agreed price changes nothing and leaves its ID free; once an amendment agrees a price, the same
// request books that price. A later amendment of a price books the new price from then on and
// leaves what was booked as it was.
func TestIngestWithoutAnAgreedPriceIsRefusedUntilTheContractAgreesOne(t *testing.T) {
	a, l := newApp(t)
	create(t, a, mskTerms())
	events := len(l.events(t))
	pain := activity(t, "ev-1", "ref-1", "RTG", "pain-clinic", 31_000, "2026-10-14 10:00")
	_, err := a.RecordActivity(t.Context(), pain, []byte("h1"))
	requireKind(t, err, domain.KindFailedPrecondition, `contract msk-2026 agrees no unit price for intervention code "pain-clinic"`)
	require.Len(t, l.events(t), events)
	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.Zero(t, p.SpentPence)

	terms := mskTerms()
	terms.Prices = append(terms.Prices, domain.InterventionPrice{Code: "pain-clinic", Pence: 29_000})
	_, err = a.AmendContract(t.Context(), "fiona", "msk-2026", terms, 0, "pain clinic agreed")
	require.NoError(t, err)
	record(t, a, pain) // same ID, same content: applied now, at the agreed 29,000

	terms.Prices[len(terms.Prices)-1].Pence = 30_000
	_, err = a.AmendContract(t.Context(), "fiona", "msk-2026", terms, 1, "pain clinic repriced")
	require.NoError(t, err)
	record(t, a, activity(t, "ev-2", "ref-2", "RTG", "pain-clinic", 31_000, "2026-10-15 10:00"))

	p, err = a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.EqualValues(t, 29_000+30_000, p.SpentPence)
	costed, _ := charged(l.events(t))
	require.Equal(t, []int64{29_000, 30_000}, costed)
}
