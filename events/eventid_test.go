package events_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
)

func TestNamespaceIsDerivedFromTheProjectURL(t *testing.T) {
	want := uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/nhs-pathways/pathways/events"))
	require.Equal(t, want, events.Namespace)
}

func TestEventIDIsStableUUIDv5(t *testing.T) {
	id := events.EventID("journey", "42", "triaged")
	require.Equal(t, id, events.EventID("journey", "42", "triaged"))
	require.Equal(t, uuid.Version(5), id.Version())
	require.Equal(t, uuid.RFC4122, id.Variant())
	// Pinned: a change here would mint new ids for retried commands after a deploy.
	require.Equal(t, uuid.NewSHA1(events.Namespace, []byte("7:journey2:427:triaged")), id)
}

func TestEventIDJoinsPartsUnambiguously(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
	}{
		{"dash moved across parts", []string{"a-b", "c"}, []string{"a", "b-c"}},
		{"split part", []string{"ab"}, []string{"a", "b"}},
		{"empty part", []string{"a", ""}, []string{"a"}},
		{"separator inside a part", []string{"1:a"}, []string{"a"}},
		{"order", []string{"x", "y"}, []string{"y", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, events.EventID(tt.a...), events.EventID(tt.b...))
		})
	}
}
