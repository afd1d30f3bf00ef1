package events_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
)

func TestConnectionStringsOfKurrentDBAndEventStoreDB(t *testing.T) {
	ca := devcatest.New(t, "client")
	caFile := filepath.ToSlash(ca.CAFile)
	for _, scheme := range []string{"esdb", "esdb+discover", "kurrentdb", "kurrentdb+discover", "KurrentDB+Discover"} {
		discover := strings.HasSuffix(strings.ToLower(scheme), "+discover")
		t.Run(scheme, func(t *testing.T) {
			conf, err := events.ParseConnectionString(scheme + "://admin:chan%40geit@db.example:2113?tls=true&tlsCAFile=" + caFile + "&nodePreference=follower")
			require.NoError(t, err)
			require.Equal(t, "admin", conf.Username)
			require.Equal(t, "chan@geit", conf.Password, "credentials, percent-decoded")
			require.Equal(t, "db.example:2113", conf.Address)
			require.Equal(t, discover, conf.DnsDiscover, "+discover finds the nodes by gossip")
			require.False(t, conf.DisableTLS)
			require.NotNil(t, conf.RootCAs, "tlsCAFile is read")
			require.True(t, conf.RootCAs.Equal(pool(t, ca.CAFile)))

			conf, err = events.ParseConnectionString(scheme + "://admin:changeit@node1:2113,node2:2114,node3?tls=true&tlsCAFile=" + caFile)
			require.NoError(t, err)
			seeds := make([]string, 0, len(conf.GossipSeeds))
			for _, s := range conf.GossipSeeds {
				seeds = append(seeds, s.String())
			}
			require.Equal(t, []string{"node1:2113", "node2:2114", "node3:2113"}, seeds, "several hosts are gossip seeds; the port defaults to 2113")
			require.Equal(t, discover, conf.DnsDiscover)
			require.Equal(t, "changeit", conf.Password)

			conf, err = events.ParseConnectionString(scheme + "://db.example?tls=true&userCertFile=/etc/kdb/user.crt&userKeyFile=/etc/kdb/user.key")
			require.NoError(t, err)
			require.Equal(t, "/etc/kdb/user.crt", conf.UserCertFile)
			require.Equal(t, "/etc/kdb/user.key", conf.UserKeyFile)
			require.Empty(t, conf.Username)

			conf, err = events.ParseConnectionString(scheme + "://127.0.0.1:2113?tls=false")
			require.NoError(t, err)
			require.True(t, conf.DisableTLS)
		})
	}
}

func TestConnectionStringsOfAnotherSchemeAreRefused(t *testing.T) {
	for _, s := range []string{"http://db.example:2113", "kurrent://db.example:2113", "esdb+dns://db.example", "db.example:2113", "", "esdb:/db.example"} {
		err := events.CheckConnectionString(s)
		require.ErrorIs(t, err, events.ErrConnectionScheme, s)
		require.ErrorContains(t, err, "must be an esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string")
		_, err = events.ParseConnectionString(s)
		require.ErrorIs(t, err, events.ErrConnectionScheme, s)
	}
	require.ErrorContains(t, events.CheckConnectionString("http://admin:s3cret@db.example"), `not one with the scheme "http"`)
	require.NoError(t, events.CheckConnectionString("kurrentdb://db.example?tlsCAFile=/nonexistent/ca.crt"), "the check reads no file")

	_, err := events.ParseConnectionString("kurrentdb://admin:s3cret@db.example:port?tls=true")
	require.ErrorContains(t, err, "parse connection string")
	require.NotContains(t, err.Error(), "s3cret", "the password is not repeated")
	_, err = events.ParseConnectionString("kurrentdb://db.example?tls=true&tlsCAFile=/nonexistent/ca.crt")
	require.ErrorContains(t, err, "/nonexistent/ca.crt")
}

// TestOpenWithAKurrentDBConnectionString connects to a secure server with kurrentdb://, a user
// and password, and its CA: the form KurrentDB's documentation gives.
func TestOpenWithAKurrentDBConnectionString(t *testing.T) {
	srv, err := embedded.Start(t.Context(), embedded.Options{InMemory: true, Security: &embedded.Security{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	url, ok := strings.CutPrefix(srv.URL(), "esdb://")
	require.True(t, ok, srv.URL())
	appendOne := func(t *testing.T, conn string) error {
		t.Helper()
		j := openJournal(t, conn)
		_, err := j.Append(t.Context(), "kurrentdb-test", events.Any(), events.Event{
			ID: events.EventID("test", conn), Payload: wrapperspb.String("x"), Meta: events.Metadata{Actor: "test"}})
		return err
	}
	require.NoError(t, appendOne(t, "kurrentdb://"+url))
	require.Error(t, appendOne(t, "kurrentdb://"+strings.Replace(url, "admin:changeit@", "admin:wrong@", 1)),
		"the credentials in the string are the ones sent")
}

func pool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(file) //nolint:gosec // G304: a test's own temporary file
	require.NoError(t, err)
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(b))
	return p
}
