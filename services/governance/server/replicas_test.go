package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// TestReplicasRacingOnOneDraftLetExactlyOneWin runs two governance replicas on one event store
// (their state is the event store's: neither caches) and has authors update the same draft
// through both at once, each from the revision they read: exactly one update per round is
// accepted, the others are told the revision moved (Aborted), and both replicas then serve the
// winner's document at once.
func TestReplicasRacingOnOneDraftLetExactlyOneWin(t *testing.T) {
	url := startStore(t)
	c := &clock{now: start}
	replicas := []*service{startService(t, url, c), startService(t, url, c)}
	alice := as(t, "alice", authorRoles)
	d, err := replicas[0].client.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)

	revision := d.GetVersion().GetRevision()
	for round := range 5 {
		docs := make([]string, 4)
		codesSeen := make([]codes.Code, len(docs))
		var wg sync.WaitGroup
		for i := range docs {
			docs[i] = strings.Replace(d.GetDocumentYaml(), oldPrice, "unit_price_pence: "+string(rune('1'+round))+string(rune('0'+i))+"00", 1)
			wg.Go(func() {
				_, err := replicas[i%2].client.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
					ExpectedRevision: revision, DocumentYaml: docs[i]})
				codesSeen[i] = status.Code(err)
			})
		}
		wg.Wait()
		winner := -1
		for i, code := range codesSeen {
			switch code {
			case codes.OK:
				require.Equal(t, -1, winner, "round %d: two updates from revision %d were both accepted", round, revision)
				winner = i
			case codes.Aborted:
			default:
				t.Fatalf("round %d: update %d answered %s", round, i, code)
			}
		}
		require.NotEqual(t, -1, winner, "round %d: one update wins", round)
		for _, r := range replicas {
			got, err := r.client.GetVersion(alice, &governancev1.GetVersionRequest{PathwayId: "msk", Version: 2})
			require.NoError(t, err)
			require.Equal(t, docs[winner], got.GetDocumentYaml())
			require.Equal(t, revision+1, got.GetVersion().GetRevision())
		}
		revision++
	}
}
