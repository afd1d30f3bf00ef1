package ingesttest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
)

// A fact sent again after the receiver told the caller it had it is resent; one sent again
// because the caller never got that answer is not.
func TestResentCountsOnlyCallsAfterAnAcknowledgement(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	fact := func(id, pcn string) *dashboardv1.RecordJourneyFactRequest {
		return &dashboardv1.RecordJourneyFactRequest{EventId: id, JourneyId: "journey-R-1", PcnOdsCode: pcn}
	}
	type call struct {
		ctx  context.Context
		req  *dashboardv1.RecordJourneyFactRequest
		lose int
	}
	tests := []struct {
		name     string
		calls    []call
		received []Call
		resent   []string
	}{
		{"each once", []call{{context.Background(), fact("e1", "U12345"), 0}, {context.Background(), fact("e2", "U12345"), 0}},
			[]Call{{"e1", true, true}, {"e2", true, true}}, nil},
		{"sent twice", []call{{context.Background(), fact("e1", "U12345"), 0}, {context.Background(), fact("e1", "U12345"), 0}},
			[]Call{{"e1", true, true}, {"e1", false, true}}, []string{"e1"}},
		{"retried after a lost answer", []call{{context.Background(), fact("e1", "U12345"), 1}, {context.Background(), fact("e1", "U12345"), 0}},
			[]Call{{"e1", true, false}, {"e1", false, true}}, nil},
		{"retried after the caller gave up", []call{{ended, fact("e1", "U12345"), 0}, {context.Background(), fact("e1", "U12345"), 0}},
			[]Call{{"e1", true, false}, {"e1", false, true}}, nil},
		{"other content refused, then the same again", []call{{context.Background(), fact("e1", "U12345"), 0},
			{context.Background(), fact("e1", "U99999"), 0}, {context.Background(), fact("e1", "U12345"), 0}},
			[]Call{{"e1", true, true}, {"e1", false, false}, {"e1", false, true}}, []string{"e1", "e1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dashboard{}
			for _, c := range tt.calls {
				d.LoseAnswers(c.lose)
				_, _ = d.RecordJourneyFact(c.ctx, c.req)
			}
			require.Equal(t, tt.received, d.Received())
			require.Equal(t, tt.resent, d.Resent())
			applied := 0
			for _, c := range tt.received {
				if c.Applied {
					applied++
				}
			}
			require.Len(t, d.Applied(), applied, "each ID applied once")
			require.Equal(t, len(tt.calls), d.Calls())
		})
	}
}
