package devoidc

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Bad options are refused with every problem named by its field.
func TestNewNamesEveryBadOption(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want []string
	}{
		{"no issuer", Options{}, []string{"Issuer: is required"}},
		{"plain http off loopback", Options{Issuer: "http://idp.example.org"}, []string{"Issuer: must be https"}},
		{"issuer with a path", Options{Issuer: "https://127.0.0.1:9096/oidc"}, []string{"Issuer: must be an absolute URL with no path"}},
		{"incomplete client", Options{Issuer: "https://127.0.0.1:9096", Clients: []Client{{ID: "dashboard", RedirectURIs: []string{"/relative"}}}},
			[]string{"Clients[0].Secret: is required", `Clients[0].RedirectURIs: "/relative" must be an absolute http(s) URL`}},
		{"taken client IDs", Options{Issuer: "https://127.0.0.1:9096", Clients: []Client{
			{ID: "pathwayctl", Secret: "s", RedirectURIs: []string{"https://a.test/cb"}},
			{ID: "coord-u90001", Secret: "s", RedirectURIs: []string{"https://a.test/cb"}}}},
			[]string{`Clients[0].ID: "pathwayctl" is taken`, `Clients[1].ID: "coord-u90001" is taken`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o)
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
	p, err := New(Options{Issuer: "http://127.0.0.1:9096/"})
	require.NoError(t, err, "plain http on loopback is allowed")
	require.Equal(t, "http://127.0.0.1:9096", p.Issuer())
	require.Equal(t, DefaultAudience, p.Audience())
}
