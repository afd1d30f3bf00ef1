package pathway

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// minimal parses testdata/minimal.yaml afresh, so each test may mutate it.
func minimal(t *testing.T) *Definition {
	t.Helper()
	doc, err := os.ReadFile("testdata/minimal.yaml")
	require.NoError(t, err)
	d, err := Parse(doc)
	require.NoError(t, err)
	return d
}

// problemsOf returns the problems of a *ValidationError, failing otherwise.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	return ve.Problems
}

func ptr[T any](v T) *T { return &v }
