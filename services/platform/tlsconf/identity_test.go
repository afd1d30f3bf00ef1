package tlsconf_test

import (
	"crypto/x509"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

func certWith(t *testing.T, uris ...string) *x509.Certificate {
	t.Helper()
	c := &x509.Certificate{}
	for _, s := range uris {
		u, err := url.Parse(s)
		require.NoError(t, err)
		c.URIs = append(c.URIs, u)
	}
	return c
}

func TestServiceID(t *testing.T) {
	named := map[string][]string{
		"worker":     {"spiffe://pathways.local/worker"},
		"finance":    {"https://example.org/x", "spiffe://pathways.local/finance"},
		"event-st.1": {"spiffe://pathways.local/event-st.1"},
	}
	for want, uris := range named {
		got, ok := tlsconf.ServiceID(certWith(t, uris...))
		require.True(t, ok, uris)
		require.Equal(t, want, got)
	}
	unnamed := [][]string{
		nil,
		{"https://pathways.local/worker"},
		{"spiffe://other.example/worker"},
		{"spiffe://pathways.local/"},
		{"spiffe://pathways.local/ns/worker"},
		{"spiffe://pathways.local/Worker"},
		{"spiffe://pathways.local/worker?x=1"},
		{"spiffe://pathways.local:443/worker"},
		{"spiffe://pathways.local/worker", "spiffe://pathways.local/finance"},
	}
	for _, uris := range unnamed {
		_, ok := tlsconf.ServiceID(certWith(t, uris...))
		require.False(t, ok, uris)
	}
	_, ok := tlsconf.ServiceID(nil)
	require.False(t, ok)
}

func TestServiceIDOfAnotherTrustDomain(t *testing.T) {
	td := tlsconf.TrustDomain("nhs.example")
	require.Equal(t, "spiffe://nhs.example/worker", td.ID("worker").String())
	got, ok := td.ServiceID(certWith(t, "spiffe://nhs.example/worker"))
	require.True(t, ok)
	require.Equal(t, "worker", got)
	_, ok = td.ServiceID(certWith(t, "spiffe://pathways.local/worker"))
	require.False(t, ok)
}
