package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// TestNonFiniteNumbersInADocumentAreRefused: YAML spells NaN and the infinities .nan, .inf and
// -.inf; every number of a pathway document (score ranges, minimal important change, rule
// values) refuses them with InvalidArgument naming the document path, and nothing changes.
func TestNonFiniteNumbersInADocumentAreRefused(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice := as(t, "alice", authorRoles)
	drafts := map[string]string{}
	for _, id := range []string{"msk", "copd"} {
		d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: id, FromVersion: 1})
		require.NoError(t, err)
		drafts[id] = d.GetDocumentYaml()
	}
	tests := []struct {
		name, pathway, old, new, field, rule string
	}{
		{"score range max NaN", "msk", "max: 56\n", "max: .nan\n", "document_yaml.measures[0].max", "must be a finite number, not NaN"},
		{"score range max -Infinity", "msk", "max: 56\n", "max: -.inf\n", "document_yaml.measures[0].max", "must be a finite number, not -Infinity"},
		{"score range min +Infinity", "msk", "min: 0\n", "min: .inf\n", "document_yaml.measures[0].min", "must be a finite number, not +Infinity"},
		{"minimal important change +Infinity", "msk", "mic: 6\n", "mic: .Inf\n", "document_yaml.measures[0].mic", "must be a finite number, not +Infinity"},
		{"minimal important change NaN", "msk", "mic: 6\n", "mic: .NaN\n", "document_yaml.measures[0].mic", "must be a finite number, not NaN"},
		{"rule value -Infinity", "copd", "value: 0.7\n", "value: -.Inf\n", ".value", "must be a finite number, not -Infinity"},
		{"rule value NaN", "copd", "value: 0.7\n", "value: .NAN\n", ".value", "must be a finite number, not NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := drafts[tt.pathway]
			require.Contains(t, doc, tt.old)
			_, err := gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: tt.pathway, Version: 2,
				ExpectedRevision: 1, DocumentYaml: strings.Replace(doc, tt.old, tt.new, 1)})
			got := violations(t, err)
			require.Len(t, got, 1, "%v", got)
			for field, rule := range got {
				require.True(t, strings.HasPrefix(field, "document_yaml.") && strings.HasSuffix(field, tt.field), field)
				require.Equal(t, tt.rule, rule)
			}

			v, err := gov.GetVersion(alice, &governancev1.GetVersionRequest{PathwayId: tt.pathway, Version: 2})
			require.NoError(t, err)
			require.Equal(t, doc, v.GetDocumentYaml(), "the draft is unchanged")
			require.EqualValues(t, 1, v.GetVersion().GetRevision())
		})
	}
}

// TestPathwayIDsFollowThePathwayModelsRule: governance accepts exactly the ids pathway.CheckID
// accepts (so any pathway it holds can also get a finance contract and dashboard figures), and
// refuses the others with CheckID's message.
func TestPathwayIDsFollowThePathwayModelsRule(t *testing.T) {
	gov := startService(t, startStore(t), &clock{now: start}).client
	alice := as(t, "alice", authorRoles)
	for _, id := range []string{"msk-spinal", "falls2", "1msk", "msk--spinal", "msk-", "Msk", "a" + strings.Repeat("b", 64)} {
		t.Run(id[:min(len(id), 20)], func(t *testing.T) {
			_, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: id, Title: "A pathway", OwningEog: "msk-eog"})
			want := pathway.CheckID(id)
			if want == nil {
				require.NoError(t, err)
				return
			}
			require.Equal(t, map[string]string{"pathway_id": want.Error()}, violations(t, err))
			_, err = gov.GetVersion(alice, &governancev1.GetVersionRequest{PathwayId: id, Version: 1})
			require.Equal(t, map[string]string{"pathway_id": want.Error()}, violations(t, err))
		})
	}
}
