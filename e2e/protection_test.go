package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// igPerson is the demo information-governance officer, who may erase a patient.
const igPerson = "ig-officer"

// protectedPatient is one patient of the scan test and what the test made of them.
type protectedPatient struct {
	nhs, pathway, journeyID, note string
	admitted                      bool
}

// TestPatientDataIsUnreadableAtRestAndErasable is the auditor's scan of issue #14: it runs the
// whole stack with a span file, submits referrals carrying known NHS numbers and a unique
// free-text marker (in the reason for referral and the discharge notes), drives them to discharge
// (one with a hospital admission), exports the CSVs and loads the dashboard page, stops the stack
// so every byte is on disk, and scans every file under the data directory and everything captured
// (span file, the stack's log, CSVs, HTML) for the numbers and the marker, in clear, in base64
// and in hex: zero hits. It then erases one patient as information governance and checks their
// key is gone from the vault's file, the others still read normally, the ledger and the
// dashboard figures are unchanged, and a dashboard rebuilt from the event store shows the same.
func TestPatientDataIsUnreadableAtRestAndErasable(t *testing.T) {
	requireFull(t)
	t.Parallel()
	dataDir, captured := t.TempDir(), t.TempDir()
	d := startForTest(t, dataDir, false, "--trace-file", filepath.Join(captured, "spans.jsonl"))
	protectionContracts(t, d)

	marker := "zqx" + randomHex(t, 8) + "marker"
	patients := []*protectedPatient{
		{nhs: testNHSNumber(), pathway: "msk"},
		{nhs: testNHSNumber(), pathway: "msk"},
		{nhs: testNHSNumber(), pathway: "copd", admitted: true},
	}
	for i, p := range patients {
		p.note = fmt.Sprintf("%s note %d: seen at home", marker, i)
		p.journeyID = driveProtected(t, d, p, fmt.Sprintf("PROT-%d-%s", i, uniqueSuffix()), marker)
	}
	for _, p := range patients {
		requireDelivered(t, d, p.journeyID)
	}
	before := protectionFigures(t, d)
	capturePublished(t, d, captured)
	requireOpened(t, d, patients[1], marker)

	// Everything to disk: the stack stops (logs flushed, databases closed), then the scan.
	require.NoError(t, d.stop())
	require.NoError(t, os.WriteFile(filepath.Join(captured, "devstack.log"), []byte(d.out.String()), 0o600))
	needles := map[string]string{"marker": marker}
	for i, p := range patients {
		needles[fmt.Sprintf("NHS number of patient %d", i)] = p.nhs
	}
	scanned, hits := scanFiles(t, needles, dataDir, captured)
	require.Empty(t, hits, "identifying data in clear, base64 or hex")
	_, control := scanFiles(t, map[string]string{"journey id": patients[2].journeyID}, dataDir)
	require.NotEmpty(t, control, "the scan finds what is stored in clear (a journey id is not identifying)")
	require.Greater(t, scanned, int64(1<<20), "the scan read the stack's files")
	t.Logf("scanned %d bytes under %s and %s: no NHS number, no marker", scanned, dataDir, captured)

	// Erasure, on the same data.
	d = startForTest(t, dataDir, false)
	erased, kept := patients[0], patients[1]
	vaultFile := filepath.Join(dataDir, "coordinator", "vault.db")
	ref := patientRef(t, d, erased.journeyID)
	_, refHits := scanFiles(t, map[string]string{"patient reference": ref}, vaultFile)
	require.NotEmpty(t, refHits, "before erasure the vault holds the patient's key, under their reference")

	pd := coordinatorv1.NewPatientDataServiceClient(d.dial(t, d.addr.coordinator))
	_, err := pd.ErasePatient(d.coordinating(t), &coordinatorv1.ErasePatientRequest{JourneyId: erased.journeyID, Reason: "ER-2026-0042"})
	require.Error(t, err, "a coordinator may not erase")
	res, err := pd.ErasePatient(d.as(t, igPerson), &coordinatorv1.ErasePatientRequest{JourneyId: erased.journeyID,
		Reason: "right to erasure request ER-2026-0042"})
	require.NoError(t, err)
	require.True(t, res.GetErased())
	require.Equal(t, ref, res.GetPatientRef())

	_, refHits = scanFiles(t, map[string]string{"patient reference": ref}, filepath.Dir(vaultFile))
	require.Empty(t, refHits, "the patient's key is gone from the vault's files")
	requireErased(t, d, erased, marker)
	requireOpened(t, d, kept, marker)
	require.Equal(t, before, protectionFigures(t, d), "money and counts never held identifying data: erasure leaves them as they were")

	// The dashboard rebuilt from the event store after the erasure shows the same figures.
	require.NoError(t, d.stop())
	require.NoError(t, os.RemoveAll(filepath.Join(dataDir, "dashboard")))
	d = startForTest(t, dataDir, false, "--rebuild-dashboard")
	require.Equal(t, before, protectionFigures(t, d), "a dashboard rebuilt after the erasure")
	requireErased(t, d, erased, marker)
}

// protectionContracts creates the MSK and COPD contracts of this contract year.
func protectionContracts(t *testing.T, d *devstack) {
	t.Helper()
	year := time.Now().Year()
	if time.Now().Month() < time.April {
		year--
	}
	for _, p := range []string{"msk", "copd"} {
		_, err := d.finance(t).CreateContract(d.financeAdmin(t), &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
			PathwayId: p, ContractYear: int32(year), AnnualBudgetPence: 100_000_000, Population: 1000, Currency: "GBP",
			UnitPrices: builtinPrices(p)}})
		require.NoError(t, err, p)
	}
}

// driveProtected submits the patient's referral (the marker in its reason) and drives the journey
// to discharge (the patient's note with it), recording an admission when the patient has one.
func driveProtected(t *testing.T, d *devstack, p *protectedPatient, referralID, marker string) string {
	t.Helper()
	c, ctx := d.coordinator(t), d.coordinating(t)
	referred := time.Now().UTC()
	sub, err := c.SubmitReferral(ctx, &coordinatorv1.SubmitReferralRequest{ReferralId: referralID, PathwayId: p.pathway,
		NhsNumber: p.nhs, PracticeOdsCode: testPractice, PcnOdsCode: testPCN, Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, Reason: "lives alone, " + marker + ", knee pain", ReferredAt: timestamppb.New(referred)})
	require.NoError(t, err)
	id := sub.GetJourneyId()
	awaitJourney(t, d, c, id)
	n := 0
	rid := func() string { n++; return fmt.Sprintf("prot-%d", n) }
	book := func(code string) string {
		res, err := c.ScheduleIntervention(ctx, &coordinatorv1.ScheduleInterventionRequest{JourneyId: id, RequestId: rid(),
			Intervention: code, ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
		require.NoError(t, err, code)
		return res.GetResult().GetInterventionId()
	}
	complete := func(iv string) {
		_, err := c.CompleteIntervention(ctx, &coordinatorv1.CompleteInterventionRequest{JourneyId: id, RequestId: rid(), InterventionId: iv})
		require.NoError(t, err, iv)
	}
	outcome := func(point string, ms ...*coordinatorv1.Measure) {
		_, err := c.RecordOutcome(ctx, &coordinatorv1.RecordOutcomeRequest{JourneyId: id, RequestId: rid(), CollectionPoint: point, Measures: ms})
		require.NoError(t, err, point)
	}
	m := func(code string, v float64) *coordinatorv1.Measure {
		return &coordinatorv1.Measure{Code: code, Value: v}
	}
	reason := "treatment-complete"
	switch p.pathway {
	case "msk":
		complete(book("spa-triage"))
		_, err = c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: id, RequestId: rid(), Disposition: "cats",
			Baseline: []*coordinatorv1.Measure{m("msk-hq", 30), m("eq5d5l-index", 0.61), m("eq-vas", 60)}})
		require.NoError(t, err)
		complete(book("cats-assessment"))
		outcome("discharge", m("msk-hq", 44), m("eq5d5l-index", 0.82), m("eq-vas", 80))
	case "copd":
		mrc := func(v float64) *coordinatorv1.Measure {
			return &coordinatorv1.Measure{Code: "mrc-dyspnoea", Value: v, Scale: "MRC 1-5"}
		}
		complete(book("spirometry"))
		outcome("baseline", m("fev1-fvc", 0.62))
		complete(book("respiratory-triage"))
		_, err = c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: id, RequestId: rid(), Disposition: "respiratory-clinic",
			Baseline: []*coordinatorv1.Measure{mrc(3), m("cat", 22), m("days-at-home", 80), m("feeling-supported", 5)}})
		require.NoError(t, err)
		complete(book("respiratory-outpatient"))
		if p.admitted {
			// Admitted after the referral, home again before now: the stay must have ended.
			<-time.After(time.Until(referred.Add(3 * time.Second)))
			_, err = c.RecordAdmission(ctx, &coordinatorv1.RecordAdmissionRequest{JourneyId: id, RequestId: rid(),
				AdmittedAt: timestamppb.New(referred.Add(time.Second)), DischargedAt: timestamppb.New(referred.Add(2 * time.Second)),
				Reason: "copd-exacerbation"})
			require.NoError(t, err)
		}
		complete(book("annual-review"))
		outcome("discharge", mrc(2), m("cat", 15), m("days-at-home", 86), m("feeling-supported", 8))
		reason = "self-managing"
	}
	_, err = c.Discharge(ctx, &coordinatorv1.DischargeRequest{JourneyId: id, RequestId: rid(), Reason: reason, Note: p.note})
	require.NoError(t, err)
	return id
}

// requireDelivered waits until the journey has pushed every fact to finance and the dashboard.
func requireDelivered(t *testing.T, d *devstack, journeyID string) {
	t.Helper()
	eventually(t, time.Minute, journeyID+" delivered", func() error {
		got, err := d.coordinator(t).GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
		if err != nil {
			return err
		}
		if n := got.GetJourney().GetPendingPushes(); n != 0 {
			return fmt.Errorf("%d pending pushes", n)
		}
		return nil
	})
}

// protectionFigures are the money and counts a patient's erasure must leave as they were: both
// contracts' budget positions and the dashboard's system figures, as text to compare.
func protectionFigures(t *testing.T, d *devstack) string {
	t.Helper()
	var out []string
	add := func(name string, m proto.Message) {
		b, err := protojson.MarshalOptions{Multiline: true}.Marshal(m)
		require.NoError(t, err, name)
		out = append(out, name+": "+string(b))
	}
	for _, p := range []string{"msk", "copd"} {
		add("budget "+p, budget(t, d, contractID(p, time.Now())))
	}
	q := d.dashboardQuery(t)
	eventually(t, time.Minute, "the dashboard has every journey", func() error {
		sys, err := q.GetSystemFigures(d.coordinating(t), &dashboardv1.GetSystemFiguresRequest{Filter: &dashboardv1.Filter{PcnOdsCode: testPCN}})
		if err != nil {
			return err
		}
		if n := sys.GetReferralsReceived(); n != 3 {
			return fmt.Errorf("%d referrals received, want 3", n)
		}
		add("dashboard system", sys)
		return nil
	})
	pop, err := q.GetPopulationFigures(d.coordinating(t), &dashboardv1.GetPopulationFiguresRequest{Filter: &dashboardv1.Filter{PcnOdsCode: testPCN}})
	require.NoError(t, err)
	add("dashboard population", pop)
	return strings.Join(out, "\n")
}

// capturePublished saves what the system publishes to people: the dashboard page and its CSV
// (as the board reads them), finance's CSV export and the coordinator's OpenAPI-served journey
// timelines are read over the API elsewhere.
func capturePublished(t *testing.T, d *devstack, dir string) {
	t.Helper()
	get := func(name, url, person string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+d.token(t, person))
		resp, err := d.httpClient(t).Do(req)
		require.NoError(t, err, name)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", name, body)
		require.NotEmpty(t, body, name)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), body, 0o600))
	}
	get("dashboard.html", "https://"+d.addr.dashboardHTTP+"/", "board")
	get("dashboard.csv", "https://"+d.addr.dashboardHTTP+"/export.csv", "board")
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	get("finance.csv", "https://"+d.addr.financeHTTP+"/export.csv?contract="+contractID("msk", time.Now())+
		"&month="+time.Now().In(london).Format("2006-01"), financeReaderPerson)
}

// timelineOf returns the journey's timeline summaries joined, as its coordinator reads them.
func timelineOf(t *testing.T, d *devstack, journeyID string) string {
	t.Helper()
	got, err := d.coordinator(t).GetJourney(d.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
	require.NoError(t, err)
	var lines []string
	for _, e := range got.GetTimeline() {
		lines = append(lines, e.GetType()+" "+e.GetSummary())
	}
	return strings.Join(lines, "\n")
}

// patientRef is the journey's pseudonymous patient reference, as its timeline shows it.
func patientRef(t *testing.T, d *devstack, journeyID string) string {
	t.Helper()
	tl := timelineOf(t, d, journeyID)
	i := strings.Index(tl, "patient_ref=")
	require.GreaterOrEqual(t, i, 0, "the timeline names the patient by reference:\n%s", tl)
	ref, _, _ := strings.Cut(tl[i+len("patient_ref="):], " ")
	require.True(t, strings.HasPrefix(ref, "pt-"), ref)
	return ref
}

// requireOpened checks a coordinator reads the patient's reason for referral and note.
func requireOpened(t *testing.T, d *devstack, p *protectedPatient, marker string) {
	t.Helper()
	tl := timelineOf(t, d, p.journeyID)
	require.Contains(t, tl, `reason_for_referral="lives alone, `+marker+`, knee pain"`)
	require.Contains(t, tl, `note="`+p.note+`"`)
	require.NotContains(t, tl, p.nhs)
}

// requireErased checks the erased patient's sealed fields read as erased, their coded facts stay.
func requireErased(t *testing.T, d *devstack, p *protectedPatient, marker string) {
	t.Helper()
	tl := timelineOf(t, d, p.journeyID)
	require.Contains(t, tl, "reason_for_referral=[erased]")
	require.Contains(t, tl, "note=[erased]")
	require.Contains(t, tl, "reason=treatment-complete")
	require.NotContains(t, tl, marker)
}

// scanHit is one needle found in one file.
type scanHit struct{ file, needle, encoding string }

// scanFiles reads every regular file under roots and reports each needle found in clear, in
// base64 (standard and URL alphabets, at each of the three alignments) or in hex (either case).
func scanFiles(t *testing.T, needles map[string]string, roots ...string) (scanned int64, hits []scanHit) {
	t.Helper()
	type form struct{ name, encoding string }
	forms := map[string]form{}
	for name, value := range needles {
		forms[value] = form{name, "clear"}
		forms[hex.EncodeToString([]byte(value))] = form{name, "hex"}
		forms[strings.ToUpper(hex.EncodeToString([]byte(value)))] = form{name, "HEX"}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			for _, core := range base64Cores(enc, value) {
				forms[core] = form{name, "base64"}
			}
		}
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || !e.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(path) //nolint:gosec // G304: every file under the test's own directories is read, by design
			if err != nil {
				return err
			}
			scanned += int64(len(b))
			for s, f := range forms {
				if bytes.Contains(b, []byte(s)) {
					hits = append(hits, scanHit{file: path, needle: f.name, encoding: f.encoding})
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	return scanned, hits
}

// base64Cores are the parts of value's base64 that do not depend on the bytes around it: one per
// alignment of value within a longer encoded string.
func base64Cores(enc *base64.Encoding, value string) []string {
	var out []string
	for shift := range 3 {
		padded := enc.EncodeToString(append(make([]byte, shift), value...))
		// Characters touching the shifted-in bytes or the end vary with the neighbours.
		from := (shift*8 + 5) / 6
		to := len(strings.TrimRight(padded, "=")) - 1
		if to-from >= 8 {
			out = append(out, padded[from:to])
		}
	}
	return out
}

func TestScanFindsANeedleInClearBase64AndHexAtAnyAlignment(t *testing.T) {
	dir := t.TempDir()
	needle := "9990001006"
	for i, enc := range []func(string) string{
		func(s string) string { return s },
		func(s string) string { return hex.EncodeToString([]byte(s)) },
		func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) },
		func(s string) string { return base64.StdEncoding.EncodeToString([]byte("a" + s + "bc")) },
		func(s string) string { return base64.StdEncoding.EncodeToString([]byte("ab" + s)) },
		func(s string) string { return base64.URLEncoding.EncodeToString([]byte("\xff\xfe\xfd" + s + "\xfc")) },
	} {
		name := filepath.Join(dir, fmt.Sprint(i))
		require.NoError(t, os.WriteFile(name, []byte("<<"+enc(needle)+">>"), 0o600))
		_, hits := scanFiles(t, map[string]string{"n": needle}, name)
		require.NotEmpty(t, hits, "form %d", i)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "none"), []byte(base64.StdEncoding.EncodeToString([]byte("9990002006"))), 0o600))
	_, hits := scanFiles(t, map[string]string{"n": needle}, filepath.Join(dir, "none"))
	require.Empty(t, hits)
}
