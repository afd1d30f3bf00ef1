package clientsuite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const run = `{"Action":"run","Test":"TestA"}
{"Action":"output","Test":"TestA/fails","Output":"boom\n"}
{"Action":"fail","Test":"TestA/fails"}
{"Action":"pass","Test":"TestA/passes"}
{"Action":"fail","Test":"TestA/listedButPasses"}
{"Action":"skip","Test":"TestA/skipped"}
{"Action":"fail","Test":"TestA"}
{"Action":"fail","Test":"TestB/unlisted"}
{"Action":"fail","Test":"TestB"}
{"Action":"fail"}
`

func TestJudge(t *testing.T) {
	res, err := ParseResults(strings.NewReader(strings.Replace(run, `"fail","Test":"TestA/listedButPasses"`, `"pass","Test":"TestA/listedButPasses"`, 1)))
	require.NoError(t, err)
	require.Equal(t, []string{"boom"}, res.Output["TestA/fails"])
	tests := []struct {
		name, list       string
		wantUnexpected   []string
		wantPasses       []string
		wantNotRun       []string
		wantRanDespite   []string
		wantOK           bool
		wantExpectedFail int
	}{
		{
			name:             "unlisted failure; a parent fails only through its children",
			list:             "fail TestA/fails not offered: x",
			wantUnexpected:   []string{"TestB/unlisted"},
			wantExpectedFail: 1,
		},
		{
			name:             "every failure listed",
			list:             "fail TestA/fails x\nfail TestB/unlisted y\n# comment\n",
			wantOK:           true,
			wantExpectedFail: 2,
		},
		{
			name:             "a listed test that passes",
			list:             "fail TestA/fails x\nfail TestB/unlisted y\nfail TestA/listedButPasses z",
			wantPasses:       []string{"TestA/listedButPasses"},
			wantExpectedFail: 2,
		},
		{
			name:             "a listed test that did not run",
			list:             "fail TestA/fails x\nfail TestB/unlisted y\nfail TestC/gone z",
			wantNotRun:       []string{"TestC/gone"},
			wantExpectedFail: 2,
		},
		{
			name:             "a test listed to skip that ran",
			list:             "fail TestA/fails x\nfail TestB/unlisted y\nskip TestA/passes z",
			wantRanDespite:   []string{"TestA/passes"},
			wantExpectedFail: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := ParseExpectations(strings.NewReader(tt.list))
			require.NoError(t, err)
			v := Judge(res, list)
			require.Equal(t, tt.wantUnexpected, v.UnexpectedFailures)
			require.Equal(t, tt.wantPasses, names(v.UnexpectedPasses))
			require.Equal(t, tt.wantNotRun, names(v.NotRun))
			require.Equal(t, tt.wantRanDespite, names(v.RanDespiteSkip))
			require.Len(t, v.ExpectedFailures, tt.wantExpectedFail)
			require.Equal(t, tt.wantOK, v.OK())
		})
	}
}

func names(es []Expectation) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Test)
	}
	return out
}

func TestJudgeBrokenBuild(t *testing.T) {
	res, err := ParseResults(strings.NewReader("# pkg\nsyntax error\n{\"Action\":\"fail\"}\n"))
	require.NoError(t, err)
	v := Judge(res, nil)
	require.True(t, v.Broken)
	require.False(t, v.OK())
}

func TestParseExpectationsRejects(t *testing.T) {
	tests := []struct{ name, list string }{
		{"no reason", "fail TestA/x"},
		{"unknown verb", "xfail TestA/x because"},
		{"listed twice", "fail TestA/x a\nskip TestA/x b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExpectations(strings.NewReader(tt.list))
			require.Error(t, err)
		})
	}
}

func TestSkipFlags(t *testing.T) {
	list := []Expectation{
		{Test: "TestSlow", Skip: true},
		{Test: "TestA/Sub/crashes", Skip: true},
		{Test: "TestB/Other/hangs", Skip: true},
		{Test: "TestA/Sub/fails"},
	}
	flags, err := SkipFlags(list, []string{"TestA", "TestSlow", "TestB"})
	require.NoError(t, err)
	require.Equal(t, []string{"-run=^(TestA|TestB)$", "-skip=^(TestA|TestB)$/^(Sub|Other)$/^(crashes|hangs)$"}, flags)

	_, err = SkipFlags(append(list, Expectation{Test: "TestC/shallow", Skip: true}), nil)
	require.Error(t, err, "mixed depths cannot share one -skip pattern")
}

func TestListsParse(t *testing.T) {
	for _, s := range Suites() {
		list, err := ParseExpectations(strings.NewReader(string(s.Expected)))
		require.NoError(t, err, s.Name)
		require.NotEmpty(t, list, s.Name)
		_, err = SkipFlags(list, nil)
		require.NoError(t, err, s.Name)
	}
}
