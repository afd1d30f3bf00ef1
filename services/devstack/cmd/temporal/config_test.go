package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/nhs-pathways/pathways/services/devstack/internal/temporalserver"
)

func TestLoadBuildsTheServersOptions(t *testing.T) {
	env := map[string]string{"TEMPORAL_SERVER_VISIBILITY_DB_URL": "postgres://temporal@db:5432/temporal_visibility"}
	o, err := load([]string{"-listen", "10.0.0.5:7233", "-namespace", "journeys", "-search-attributes", "PathwayId=Keyword, TriageDueAt=Datetime",
		"-persistence-db-url", "postgres://temporal@db:5432/temporal", "-ui-listen", ":8233",
		"-tls-cert", "t.crt", "-tls-key", "t.key", "-tls-client-ca", "ca.crt", "-tls-require-client-cert",
		"-tls-client-cert", "c.crt", "-tls-client-key", "c.key"}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "10.0.0.5", o.IP)
	require.Equal(t, 7233, o.FrontendPort)
	require.True(t, o.UI)
	require.Equal(t, 8233, o.UIPort)
	require.Equal(t, map[string]enumspb.IndexedValueType{"PathwayId": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"TriageDueAt": enumspb.INDEXED_VALUE_TYPE_DATETIME}, o.SearchAttributes)
	require.Equal(t, &temporalserver.PostgresOptions{PersistenceURL: "postgres://temporal@db:5432/temporal",
		VisibilityURL: env["TEMPORAL_SERVER_VISIBILITY_DB_URL"]}, o.Postgres)
	require.Empty(t, o.SQLiteFile)
	require.Equal(t, &temporalserver.TLSOptions{CertFile: "t.crt", KeyFile: "t.key", ClientCAFile: "ca.crt", RequireClientCert: true,
		ClientCertFile: "c.crt", ClientKeyFile: "c.key"}, o.TLS)
	require.Equal(t, "stderr", o.LogFile)
}

func TestLoadDefaultsToSQLiteWithTheJourneySearchAttributes(t *testing.T) {
	o, err := load(nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	require.Equal(t, ".data/temporal/temporal.db", o.SQLiteFile)
	require.Nil(t, o.Postgres)
	require.Nil(t, o.TLS)
	require.Equal(t, "127.0.0.1", o.IP)
	require.Equal(t, enumspb.INDEXED_VALUE_TYPE_KEYWORD, o.SearchAttributes["PathwayId"])
	require.Equal(t, enumspb.INDEXED_VALUE_TYPE_DATETIME, o.SearchAttributes["TriageDueAt"])
}

func TestLoadNamesEveryBadFlag(t *testing.T) {
	_, err := load([]string{"-listen", "127.0.0.2:7233", "-ip", "127.0.0.1", "-search-attributes", "A=Nope",
		"-db", "x.db", "-persistence-db-url", "postgres://u@h/db", "-tls-client-ca", "ca.crt", "-ui-listen", "10.0.0.1:80"},
		func(string) string { return "" }, io.Discard)
	for _, want := range []string{
		"listen: its host 127.0.0.2 must be -ip (127.0.0.1)",
		"ui-listen: its host must be -ip (127.0.0.1), not 10.0.0.1",
		`search-attributes: "A=Nope" must be Name=Type`,
		"db: give a SQLite file or the PostgreSQL URLs, not both",
		"persistence-db-url and visibility-db-url: give both",
		"tls-cert and tls-key: required with any other -tls- flag",
	} {
		require.ErrorContains(t, err, want)
	}
}
