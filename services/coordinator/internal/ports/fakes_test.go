package ports

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/adapters"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

const (
	ownPCN   = "U90001"
	otherPCN = "U90002"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// journeysFake is an in-memory app.Journeys: the journeys in views exist (Start adds one);
// updates lists every update sent.
type journeysFake struct {
	mu      sync.Mutex
	views   map[string]journey.View
	listed  []app.Listed
	updates []string
}

func (f *journeysFake) Start(_ context.Context, r domain.Referral, _ domain.SealedReferral, _ string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := journey.JourneyID(r.ReferralID)
	f.views[id] = journey.View{JourneyID: id, PCN: r.PCNCode, Stage: "spa-triage"}
	return id, true, nil
}

func (f *journeysFake) State(_ context.Context, id string) (journey.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.views[id]; ok {
		return v, nil
	}
	return journey.View{}, domain.JourneyNotFound(id) // what adapters.Journeys answers
}

func (f *journeysFake) PCN(ctx context.Context, id string) (string, error) {
	v, err := f.State(ctx, id)
	return v.PCN, err
}

func (f *journeysFake) Update(_ context.Context, id, name, requestID string, _ any) (journey.UpdateResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.views[id]; !ok {
		return journey.UpdateResult{}, domain.JourneyNotFound(id)
	}
	f.updates = append(f.updates, id+"/"+name+"/"+requestID)
	return journey.UpdateResult{RequestID: requestID, Stage: "next"}, nil
}

func (f *journeysFake) List(context.Context, string, int) ([]app.Listed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.Listed(nil), f.listed...), nil
}

type timelineFake struct{}

func (timelineFake) Read(context.Context, string) ([]app.TimelineEntry, error) { return nil, nil }
func (timelineFake) Revision(context.Context, string) (int64, error)           { return -1, nil }
func (timelineFake) Patient(context.Context, string) (string, bool, error) {
	return "pt-abcdefghijklmnopqrstuvwxyz", false, nil
}

type pathwaysFake struct{}

func (pathwaysFake) Document(context.Context, string, int) (string, error) { return "doc", nil }
func (pathwaysFake) StagesOfKind(context.Context, string, ...string) ([]string, error) {
	return nil, nil
}

// withJourneys returns a fake holding ref-own (own PCN) and ref-other (another PCN).
func withJourneys() *journeysFake {
	return &journeysFake{views: map[string]journey.View{
		"ref-own":   {JourneyID: "ref-own", PCN: ownPCN, Stage: "spa-triage"},
		"ref-other": {JourneyID: "ref-other", PCN: otherPCN, Stage: "spa-triage"},
	}}
}

// ticking is a clock that advances a second at every reading.
func ticking() func() time.Time {
	var mu sync.Mutex
	t := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

// storeTrail is the real access audit trail on an in-memory embedded event store.
func storeTrail(t *testing.T) adapters.AccessTrail {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return adapters.AccessTrail{Journal: j}
}

// brokenTrail cannot record anything.
type brokenTrail struct{}

func (brokenTrail) Append(context.Context, domain.Access) error {
	return errors.New("event store down")
}
func (brokenTrail) ReadDay(context.Context, time.Time, uint64, int) ([]app.RecordedAccess, error) {
	return nil, errors.New("event store down")
}

// newServers returns the coordinator and audit services over j and trail.
func newServers(j *journeysFake, trail app.AccessTrail) (*Server, *AuditServer) {
	a := app.New(j, timelineFake{}, pathwaysFake{}, testVault(), []byte("k"), func() time.Time { return start })
	audit := app.NewAudit(trail, ticking())
	return NewServer(a, WithAudit(audit)), NewAuditServer(audit)
}

var (
	coordinator = identity.Principal{Subject: "sub-c1", Actor: "Casey Coordinator", Roles: []string{"coordinator"},
		Orgs: []string{ownPCN, "RXX"}}
	auditor = identity.Principal{Subject: "sub-a1", Actor: "Avery Auditor", Roles: []string{"auditor"}}
)

// as is a call's context: the caller, the peer it came from and an X-Forwarded-For.
func as(p identity.Principal) context.Context {
	ctx := identity.WithPrincipal(context.Background(), p)
	ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 51234}})
	return metadata.NewIncomingContext(ctx, metadata.Pairs("x-forwarded-for", "203.0.113.9"))
}

// sharedVault is the patient key vault the package's tests share (TestMain opens it).
var sharedVault *patientkeys.Vault

func testVault() *patientkeys.Vault { return sharedVault }

func TestMain(m *testing.M) {
	os.Exit(patientkeystest.Main(m, &sharedVault)) //nolint:forbidigo // TestMain must exit with the tests' code
}
