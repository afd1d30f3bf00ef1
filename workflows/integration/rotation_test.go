package integration

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/journeytest"
)

// encryptedHistory is the encrypted replay history (see TestEncryptedJourneyHistory) and the
// test key it is encrypted with, both in the journey package's testdata.
const (
	encryptedHistory = "../journey/testdata/encrypted/msk_journey.json"
	payloadTestKey   = "../journey/testdata/encrypted/payload-test-key.json"
)

// TestPayloadKeyRotation rotates the payload keyring while journeys run, as an operator does
// (payloadcrypt.Rotate on the key file, then restart the worker and the clients): a journey
// started under k1 takes its next requests under k2 and completes, a new one runs under k2 only,
// and Temporal's history holds each payload encrypted under the key that was primary when it
// was written.
func TestPayloadKeyRotation(t *testing.T) {
	js := journeytest.New(t)
	path := filepath.Join(t.TempDir(), "payload-keys.json")
	_, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	conn := journey.TemporalConnection{Address: js.FrontendAddr, Namespace: js.Namespace, PayloadKeysFile: path}

	before := connect(t, js, conn)
	old := referral("R-ROT-OLD", "msk")
	oldID := journey.JourneyID(old.ReferralID)
	oldRun, err := before.ExecuteWorkflow(t.Context(), journey.StartOptions(old), journey.WorkflowName, journey.Input{Referral: old})
	require.NoError(t, err)
	steps := mskSteps(time.Now().UTC())
	for _, st := range steps[:3] {
		updateWith(t, before, oldID, st)
	}

	k2, err := payloadcrypt.Rotate(path)
	require.NoError(t, err)
	require.Equal(t, "k2", k2.Primary())
	before.Close() // the worker and the client restart with the new keyring
	after := connect(t, js, conn)
	for _, st := range steps[3:] {
		updateWith(t, after, oldID, st)
	}
	requireClosed(t, after.GetWorkflow(t.Context(), oldID, oldRun.GetRunID()))

	fresh := referral("R-ROT-NEW", "msk")
	freshID := journey.JourneyID(fresh.ReferralID)
	freshRun, err := after.ExecuteWorkflow(t.Context(), journey.StartOptions(fresh), journey.WorkflowName, journey.Input{Referral: fresh})
	require.NoError(t, err)
	for _, st := range steps {
		updateWith(t, after, freshID, st)
	}
	requireClosed(t, freshRun)

	// js.Client has no codec: it reads the history as Temporal stores it.
	oldKeys := payloadKeyIDs(t, rawHistory(t, js.Client, oldID))
	require.Equal(t, "k1", oldKeys[0], "the old journey's input was sealed under k1")
	require.Contains(t, oldKeys, "k2", "its requests after the rotation are sealed under k2")
	require.Equal(t, []string{"k2"}, slices.Compact(slices.Sorted(slices.Values(payloadKeyIDs(t, rawHistory(t, js.Client, freshID))))),
		"a journey started after the rotation uses k2 only")
}

// TestEncryptedJourneyHistory runs an MSK journey to discharge under the test key of
// testdata/encrypted and checks that every payload in Temporal's history is sealed under it.
// With -tags recordhistory it records the history for the encrypted replay test of package journey.
func TestEncryptedJourneyHistory(t *testing.T) {
	data, err := os.ReadFile(payloadTestKey)
	require.NoError(t, err)
	key, err := payloadcrypt.ParseKeyring(data) // checked in: git keeps no 0600, so not LoadFile
	require.NoError(t, err)
	js := journeytest.New(t)
	c := connect(t, js, journey.TemporalConnection{Address: js.FrontendAddr, Namespace: js.Namespace, PayloadKeys: key})
	ref := referral("R-ENC-1", "msk")
	id := journey.JourneyID(ref.ReferralID)
	run, err := c.ExecuteWorkflow(t.Context(), journey.StartOptions(ref), journey.WorkflowName, journey.Input{Referral: ref})
	require.NoError(t, err)
	for _, st := range mskSteps(time.Now().UTC()) {
		updateWith(t, c, id, st)
	}
	requireClosed(t, run)

	h := rawHistory(t, js.Client, id)
	require.Equal(t, []string{key.Primary()}, slices.Compact(slices.Sorted(slices.Values(payloadKeyIDs(t, h)))))
	raw, err := proto.Marshal(h)
	require.NoError(t, err)
	require.NotContains(t, string(raw), ref.PatientRef, "the patient's reference is in no payload in clear")
	if recordHistories {
		recordEncrypted(t, h)
	}
}

// connect dials a client of the stack's Temporal server as conn says (its payload keys) and
// runs a journey worker on it until the client is closed or the test ends.
func connect(t *testing.T, js *journeytest.Stack, conn journey.TemporalConnection) client.Client {
	t.Helper()
	off := false
	conn.TLS.Enabled = &off
	opts, err := conn.ClientOptions(journey.Telemetry{})
	require.NoError(t, err)
	c, err := client.Dial(opts)
	require.NoError(t, err)
	w := journey.NewWorker(c, js.Activities(), worker.Options{WorkflowPanicPolicy: worker.FailWorkflow})
	require.NoError(t, w.Start())
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			w.Stop()
			c.Close()
		}
	})
	return closer{Client: c, close: func() { w.Stop(); c.Close(); stopped = true }}
}

// closer is a client whose Close stops its worker first.
type closer struct {
	client.Client
	close func()
}

func (c closer) Close() { c.close() }

func updateWith(t *testing.T, c client.Client, journeyID string, st step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: journeyID, UpdateID: st.id, UpdateName: st.name,
		Args: []any{st.arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	require.NoError(t, err, st.id)
	var r journey.UpdateResult
	require.NoError(t, h.Get(ctx, &r), st.id)
}

func requireClosed(t *testing.T, run client.WorkflowRun) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var v journey.View
	require.NoError(t, run.Get(ctx, &v))
	require.Equal(t, journey.StatusClosed, v.Status)
}

func rawHistory(t *testing.T, c client.Client, workflowID string) *historypb.History {
	t.Helper()
	it := c.GetWorkflowHistory(t.Context(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	return h
}

// payloadKeyIDs returns the key ID of every payload of the history in order (inputs, results,
// updates, memos, failures), requiring each to be sealed; search attributes (Temporal indexes
// them: never through the codec) and headers (the trace context) are not payloads of the journey.
func payloadKeyIDs(t *testing.T, h *historypb.History) []string {
	t.Helper()
	var ids []string
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if p, ok := m.Interface().(*commonpb.Payload); ok {
			require.Equal(t, payloadcrypt.EncodingEncrypted, string(p.GetMetadata()[payloadcrypt.MetadataEncoding]), "a payload in clear: %v", p)
			ids = append(ids, string(p.GetMetadata()[payloadcrypt.MetadataKeyID]))
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Name() == "search_attributes" || fd.Name() == "header" || fd.Message() == nil:
			case fd.IsList():
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message())
				}
			case fd.IsMap():
				if fd.MapValue().Message() != nil {
					v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool { walk(mv.Message()); return true })
				}
			default:
				walk(v.Message())
			}
			return true
		})
	}
	for _, ev := range h.GetEvents() {
		walk(ev.ProtoReflect())
	}
	require.NotEmpty(t, ids)
	return ids
}

// recordEncrypted writes the history to encryptedHistory unless one is there already.
func recordEncrypted(t *testing.T, h *historypb.History) {
	t.Helper()
	if _, err := os.Stat(encryptedHistory); err == nil {
		t.Logf("kept %s: it exists", encryptedHistory)
		return
	}
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(encryptedHistory, append(data, '\n'), 0o644))
	t.Logf("recorded %d history events to %s", len(h.Events), encryptedHistory)
}
