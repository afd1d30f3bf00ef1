package events_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
)

func TestExpectedRevision(t *testing.T) {
	tests := []struct {
		name     string
		expected events.ExpectedRevision
		text     string
		exact    bool
	}{
		{"any", events.Any(), "any", false},
		{"zero value is any", events.ExpectedRevision{}, "any", false},
		{"no stream", events.NoStream(), "no stream", false},
		{"stream exists", events.StreamExists(), "stream exists", false},
		{"exact", events.Exact(7), "7", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.text, tt.expected.String())
			_, exact := tt.expected.Revision()
			require.Equal(t, tt.exact, exact)
		})
	}
	require.Equal(t, events.ExpectedRevision{}, events.Any())
	require.NotEqual(t, events.Exact(0), events.NoStream())
}

func TestPositionCompare(t *testing.T) {
	p := events.Position{Commit: 10, Prepare: 10}
	require.Equal(t, 0, p.Compare(p))
	require.Equal(t, -1, p.Compare(events.Position{Commit: 11, Prepare: 5}))
	require.Equal(t, 1, p.Compare(events.Position{Commit: 10, Prepare: 9}))
	require.Equal(t, "C:10/P:10", p.String())
}

func TestConflictError(t *testing.T) {
	err := error(&events.ConflictError{Stream: "journey-1", Expected: events.Exact(2), Actual: 5})
	require.ErrorIs(t, err, events.ErrConflict)
	require.EqualError(t, err, "append to journey-1: wrong expected revision: expected 2, actual 5")
	missing := &events.ConflictError{Stream: "journey-1", Expected: events.StreamExists(), StreamMissing: true}
	require.EqualError(t, missing, "append to journey-1: wrong expected revision: expected stream exists, actual no stream")
}
