package events_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
)

func TestStreamNames(t *testing.T) {
	tests := []struct {
		name, stream, category, id string
	}{
		{"journey", events.JourneyStream("9b2f"), "journey", "9b2f"},
		{"pathway", events.PathwayStream("msk"), "pathway", "msk"},
		{"uuid id keeps its dashes", events.JourneyStream("0b6c3c1e-5d1a-4a8e-9f4e-2c9d7f1b8a01"), "journey", "0b6c3c1e-5d1a-4a8e-9f4e-2c9d7f1b8a01"},
		{"generic", events.Stream("ledger", "icb-42"), "ledger", "icb-42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.category+"-"+tt.id, tt.stream)
			require.Equal(t, tt.category, events.Category(tt.stream))
			require.Equal(t, tt.id, events.ID(tt.stream))
			require.NoError(t, events.ValidateStream(tt.stream))
		})
	}
}

func TestCategoryWithoutDash(t *testing.T) {
	require.Empty(t, events.Category("journey"))
	require.Empty(t, events.ID("journey"))
}

func TestValidateStreamRejects(t *testing.T) {
	tests := []struct {
		name, stream, rule string
	}{
		{"no dash", "journey", "must be <category>-<id>"},
		{"empty id", events.JourneyStream(""), "id must not be empty"},
		{"empty category", events.Stream("", "x"), "category must not be empty"},
		{"system stream", "$$journey-1", "must start with a letter"},
		{"category with underscore", "my_cat-1", "only letters and digits"},
		{"category starting with digit", "9lives-1", "must start with a letter"},
		{"space in id", events.JourneyStream("a b"), "whitespace"},
		{"newline in id", events.JourneyStream("a\nb"), "whitespace"},
		{"invalid utf8", events.JourneyStream("a\xffb"), "UTF-8"},
		{"id too long", events.JourneyStream(strings.Repeat("x", events.MaxIDLength+1)), "longer than"},
		{"category too long", events.Stream(strings.Repeat("c", 51), "1"), "longer than 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.ValidateStream(tt.stream)
			require.ErrorIs(t, err, events.ErrInvalidStream)
			require.ErrorContains(t, err, tt.rule)
		})
	}
}

func TestValidateIDAcceptsLongestID(t *testing.T) {
	require.NoError(t, events.ValidateID(strings.Repeat("x", events.MaxIDLength)))
	require.NoError(t, events.ValidateID("NHS:REF/2026-0001"))
}
