package pathway

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRejectsBadYAML(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []Problem
	}{
		{"empty", "", []Problem{{"document", "empty: expected a pathway definition"}}},
		{"misspelt field", "id: demo\nversion: 1\nstages:\n  - id: a\n    nxt: [b]\n",
			[]Problem{{"line 5", `unknown field "nxt" in Stage`}}},
		{"misspelt top-level field", "id: demo\ntitel: Demo\n",
			[]Problem{{"line 2", `unknown field "titel" in Definition`}}},
		{"wrong type", "id: demo\nversion: one\n",
			[]Problem{{"line 2", "cannot unmarshal !!str `one` into int"}}},
		{"syntax error", "id: demo\n  version: 1\n",
			[]Problem{{"line 2", "mapping values are not allowed in this context"}}},
		{"two documents", "id: demo\n---\nid: other\n",
			[]Problem{{"document", "holds more than one YAML document"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.doc))
			require.Nil(t, d)
			require.Equal(t, tc.want, problemsOf(t, err))
		})
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	doc := `
id: MSK
version: 0
title: ""
eog: Demo
ways_in: [{id: gp, name: GP}]
stages:
  - {id: referral, name: Referral, kind: referral, next: [triage]}
  - {id: triage, name: Triage, kind: triage, next: [physio]}
  - {id: physiotherapy, name: Physio, kind: intervention, next: [discharged]}
  - {id: discharged, name: Discharged, kind: discharge}
dispositions:
  - {id: physio, name: Physio, stage: physiotherapy}
providers: [{code: RZX, name: Trust}]
interventions:
  - {id: physio-f2f, name: Physio, provider: RZX, unit_price_pence: 0, unit: session}
sla:
  triage: {within: 0, days: working}
`
	_, err := Parse([]byte(doc))
	got := problemsOf(t, err)
	require.Equal(t, []Problem{
		{"id", `must be a lower-case slug (a-z, 0-9, single hyphens, starting with a letter, at most 64 characters), got "MSK"`},
		{"version", "must be >= 1, got 0"},
		{"title", "required"},
		{"stages[1].next", `unknown stage "physio"`},
		{"stages[2]", `unreachable from the entry stage "referral"`},
		{"stages[3]", `unreachable from the entry stage "referral"`},
		{"stages[0]", "can never reach a discharge stage"},
		{"stages[1]", "can never reach a discharge stage"},
		{"dispositions[0].stage", `stage "physiotherapy" is not a next stage of any triage stage`},
		{"interventions[0].unit_price_pence", "must be > 0 pence, got 0"},
		{"interventions[0]", "not offered at any stage: list it in a stage's interventions"},
		{"sla.triage.within", "must be > 0 days, got 0"},
	}, got)
	require.Equal(t, `invalid pathway definition (12 problems):
  id: must be a lower-case slug (a-z, 0-9, single hyphens, starting with a letter, at most 64 characters), got "MSK"
  version: must be >= 1, got 0
  title: required
  stages[1].next: unknown stage "physio"
  stages[2]: unreachable from the entry stage "referral"
  stages[3]: unreachable from the entry stage "referral"
  stages[0]: can never reach a discharge stage
  stages[1]: can never reach a discharge stage
  dispositions[0].stage: stage "physiotherapy" is not a next stage of any triage stage
  interventions[0].unit_price_pence: must be > 0 pence, got 0
  interventions[0]: not offered at any stage: list it in a stage's interventions
  sla.triage.within: must be > 0 days, got 0`, err.Error())
}

func TestRoundTrip(t *testing.T) {
	docs := map[string]func(t *testing.T) []byte{
		"minimal": func(t *testing.T) []byte { return readFile(t, "testdata/minimal.yaml") },
		"msk.v1":  func(t *testing.T) []byte { return readFile(t, "definitions/msk.v1.yaml") },
		"copd.v1": func(t *testing.T) []byte { return readFile(t, "definitions/copd.v1.yaml") },
	}
	for _, name := range []string{"minimal", "msk.v1", "copd.v1"} {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(docs[name](t))
			require.NoError(t, err)
			out, err := d.YAML()
			require.NoError(t, err)
			again, err := Parse(out)
			require.NoError(t, err)
			require.Equal(t, d, again)
			require.True(t, Diff(d, again).Empty())
			out2, err := again.YAML()
			require.NoError(t, err)
			require.Equal(t, string(out), string(out2), "canonical YAML is stable")
		})
	}
}

func TestParseNormalisesEmptyLists(t *testing.T) {
	doc := strings.Replace(string(readFile(t, "testdata/minimal.yaml")),
		"    kind: discharge\n", "    kind: discharge\n    next: []\n    interventions: []\n", 1)
	d, err := Parse([]byte(doc))
	require.NoError(t, err)
	require.Equal(t, minimal(t), d)
}

func TestCanonicalYAMLShape(t *testing.T) {
	d := minimal(t)
	out, err := d.YAML()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(out), "id: demo\nversion: 1\ntitle: Demo pathway\n"), string(out))
	require.Contains(t, string(out), "    unit_price_pence: 4500\n")
	require.Contains(t, string(out), "    mic: 6\n")
	require.NotContains(t, string(out), "description:", "empty optional fields are left out")
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(os.DirFS("."), name)
	require.NoError(t, err)
	return b
}
