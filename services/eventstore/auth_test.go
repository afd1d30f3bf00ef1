package eventstore_test

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/certgen"
)

// Users of the secure servers below, besides admin and ops (password changeit).
var (
	alice = embedded.User{Name: "alice", Password: "alice-pw", Groups: []string{"clinicians"}}
	bob   = embedded.User{Name: "bob", Password: "bob-pw"}
)

// startSecure starts an embedded server with TLS and authentication on (its own certificates).
func startSecure(t *testing.T) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(t.Context(), embedded.Options{InMemory: true,
		Security: &embedded.Security{Users: []embedded.User{alice, bob}}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// anonymousURL is the TLS connection string without credentials.
func anonymousURL(srv *embedded.Server) string {
	return fmt.Sprintf("esdb://%s?tls=true&tlsCAFile=%s", srv.Addr(), url.QueryEscape(srv.CAFile()))
}

func readAll(t *testing.T, c *esdb.Client, opts esdb.ReadAllOptions) ([]*esdb.ResolvedEvent, error) {
	t.Helper()
	rs, err := c.ReadAll(ctxT(t), opts, 100)
	return readAllOf(t, rs, err)
}

func appendTo(t *testing.T, c *esdb.Client, stream string, opts esdb.AppendToStreamOptions) error {
	t.Helper()
	_, err := c.AppendToStream(ctxT(t), stream, opts, event("E", "{}"))
	return err
}

func TestSecureServerRefusesAnonymousCallers(t *testing.T) {
	srv := startSecure(t)
	admin := connect(t, srv.URL())
	stream := newStream("anon")
	require.NoError(t, appendTo(t, admin, stream, esdb.AppendToStreamOptions{}))

	anon := connect(t, anonymousURL(srv))
	_, err := readAll(t, anon, esdb.ReadAllOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "anonymous $all read: %v", err)
	_, err = anon.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "anonymous $all subscription: %v", err)
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(appendTo(t, anon, newStream("anon"), esdb.AppendToStreamOptions{})), "anonymous append")
	_, err = readStream(t, anon, stream, esdb.ReadStreamOptions{}, 10)
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "anonymous stream read")
	_, err = anon.DeleteStream(ctxT(t), stream, esdb.DeleteStreamOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "anonymous delete")

	evs, err := readStream(t, admin, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 1, "nothing the anonymous caller tried changed the stream")
}

func TestSecureServerRefusesWrongCredentials(t *testing.T) {
	srv := startSecure(t)
	for _, creds := range []string{"admin:wrong", "alice:bob-pw", "mallory:changeit"} {
		name, password, _ := strings.Cut(creds, ":")
		c := connect(t, srv.URLFor(name, password))
		stream := newStream("bad")
		err := appendTo(t, c, stream, esdb.AppendToStreamOptions{})
		// The refusal ends the call before the client has sent its request header; the
		// official client then sometimes reports that send's EOF (an unknown error) instead of
		// the status. Either way the append is refused and nothing is written.
		require.Error(t, err, creds)
		if code := errCode(err); code != esdb.ErrorCodeUnauthenticated {
			require.Contains(t, err.Error(), "EOF", "%s: %v", creds, err)
		}
		_, err = readStream(t, connect(t, srv.URL()), stream, esdb.ReadStreamOptions{}, 1)
		require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err), "%s: nothing was appended", creds)
		_, err = readStream(t, c, "$$anything", esdb.ReadStreamOptions{}, 1)
		require.Equal(t, esdb.ErrorCodeUnauthenticated, errCode(err), creds)
	}
}

func TestAdminAndOpsReadAll(t *testing.T) {
	srv := startSecure(t)
	stream := newStream("all")
	require.NoError(t, appendTo(t, connect(t, srv.URLFor(alice.Name, alice.Password)), stream, esdb.AppendToStreamOptions{}))
	for _, who := range []string{"admin", "ops"} {
		c := connect(t, srv.URLFor(who, "changeit"))
		evs, err := readAll(t, c, esdb.ReadAllOptions{})
		require.NoError(t, err, who)
		require.Len(t, evs, 1, who)
		require.Equal(t, stream, evs[0].OriginalEvent().StreamID)
		sub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{})
		require.NoError(t, err, who)
		require.NoError(t, sub.Close())
	}
	_, err := readAll(t, connect(t, srv.URLFor(alice.Name, alice.Password)), esdb.ReadAllOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "a plain user may not read $all")
}

func TestPlainUserReadsAndWritesUserStreams(t *testing.T) {
	srv := startSecure(t)
	a := connect(t, srv.URLFor(alice.Name, alice.Password))
	b := connect(t, srv.URLFor(bob.Name, bob.Password))
	stream := newStream("user")
	require.NoError(t, appendTo(t, a, stream, esdb.AppendToStreamOptions{}))
	require.NoError(t, appendTo(t, b, stream, esdb.AppendToStreamOptions{}), "no $acl: any authenticated user writes")
	evs, err := readStream(t, b, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	sub, err := b.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{})
	require.NoError(t, err)
	require.NoError(t, sub.Close())
}

// setACL writes stream's metadata as admin.
func setACL(t *testing.T, admin *esdb.Client, stream string, acl esdb.Acl) {
	t.Helper()
	meta := esdb.StreamMetadata{}
	meta.SetAcl(acl)
	_, err := admin.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, meta)
	require.NoError(t, err)
}

func TestStreamACLRestrictsWriters(t *testing.T) {
	srv := startSecure(t)
	admin := connect(t, srv.URL())
	a := connect(t, srv.URLFor(alice.Name, alice.Password))
	b := connect(t, srv.URLFor(bob.Name, bob.Password))
	stream := newStream("acl")
	acl := esdb.Acl{}
	acl.AddWriteRoles("alice")
	acl.AddMetaWriteRoles("$admins")
	setACL(t, admin, stream, acl)

	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(appendTo(t, b, stream, esdb.AppendToStreamOptions{})), "bob is not in $w")
	require.NoError(t, appendTo(t, a, stream, esdb.AppendToStreamOptions{}), "alice is in $w")
	evs, err := readStream(t, b, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err, "$r is unset: the default lets bob read")
	require.Len(t, evs, 1)

	meta := esdb.StreamMetadata{}
	meta.SetAcl(esdb.Acl{})
	_, err = b.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, meta)
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "bob may not rewrite the ACL ($mw)")

	group := newStream("acl-group")
	acl = esdb.Acl{}
	acl.AddReadRoles("clinicians")
	setACL(t, admin, group, acl)
	require.NoError(t, appendTo(t, b, group, esdb.AppendToStreamOptions{}))
	_, err = readStream(t, b, group, esdb.ReadStreamOptions{}, 10)
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "bob is not a clinician")
	evs, err = readStream(t, a, group, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err, "alice is, by group")
	require.Len(t, evs, 1)
}

func TestSystemStreamsAreForAdmins(t *testing.T) {
	srv := startSecure(t)
	stream := "$" + newStream("system")
	b := connect(t, srv.URLFor(bob.Name, bob.Password))
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(appendTo(t, b, stream, esdb.AppendToStreamOptions{})), "plain user")
	ops := connect(t, srv.URLFor("ops", "changeit"))
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(appendTo(t, ops, stream, esdb.AppendToStreamOptions{})), "ops: $systemStreamAcl is $admins")
	admin := connect(t, srv.URL())
	require.NoError(t, appendTo(t, admin, stream, esdb.AppendToStreamOptions{}))
	_, err := readStream(t, b, stream, esdb.ReadStreamOptions{}, 10)
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err))
}

func TestDeleteNeedsDeleteRole(t *testing.T) {
	srv := startSecure(t)
	admin := connect(t, srv.URL())
	a := connect(t, srv.URLFor(alice.Name, alice.Password))
	b := connect(t, srv.URLFor(bob.Name, bob.Password))
	for _, hard := range []bool{false, true} {
		stream := newStream("del")
		require.NoError(t, appendTo(t, a, stream, esdb.AppendToStreamOptions{}))
		acl := esdb.Acl{}
		acl.AddDeleteRoles("alice")
		setACL(t, admin, stream, acl)
		del := func(c *esdb.Client) error {
			if hard {
				_, err := c.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{})
				return err
			}
			_, err := c.DeleteStream(ctxT(t), stream, esdb.DeleteStreamOptions{})
			return err
		}
		require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(del(b)), "bob is not in $d (tombstone %v)", hard)
		evs, err := readStream(t, a, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err, "still there")
		require.Len(t, evs, 1)
		require.NoError(t, del(a), "alice is in $d (tombstone %v)", hard)
	}
	open := newStream("del-open")
	require.NoError(t, appendTo(t, b, open, esdb.AppendToStreamOptions{}))
	_, err := b.DeleteStream(ctxT(t), open, esdb.DeleteStreamOptions{})
	require.NoError(t, err, "no $acl: any authenticated user deletes")
}

func TestCredentialsOverridePerCall(t *testing.T) {
	srv := startSecure(t)
	b := connect(t, srv.URLFor(bob.Name, bob.Password))
	_, err := readAll(t, b, esdb.ReadAllOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err))
	_, err = readAll(t, b, esdb.ReadAllOptions{Authenticated: &esdb.Credentials{Login: "admin", Password: "changeit"}})
	require.NoError(t, err, "the admin's credentials for this call")
	_, err = readAll(t, b, esdb.ReadAllOptions{Authenticated: &esdb.Credentials{Login: "admin", Password: "nope"}})
	require.Equal(t, esdb.ErrorCodeUnauthenticated, errCode(err))

	anon := connect(t, anonymousURL(srv))
	stream := newStream("override")
	require.NoError(t, appendTo(t, anon, stream, esdb.AppendToStreamOptions{Authenticated: &esdb.Credentials{Login: "alice", Password: "alice-pw"}}))
	err = appendTo(t, anon, stream, esdb.AppendToStreamOptions{Authenticated: &esdb.Credentials{Login: "alice", Password: "bob-pw"}})
	// The refusal ends the call before the client has sent its request header; the official
	// client then sometimes reports that send's EOF instead of the status (as in
	// TestSecureServerRefusesWrongCredentials). Either way the append is refused: the read below finds the
	// one event appended with the right password, no second.
	require.Error(t, err)
	if code := errCode(err); code != esdb.ErrorCodeUnauthenticated {
		require.Contains(t, err.Error(), "EOF", "a wrong password: %v", err)
	}
	evs, err := readStream(t, anon, stream, esdb.ReadStreamOptions{Authenticated: &esdb.Credentials{Login: "bob", Password: "bob-pw"}}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 1, "the append with the wrong password wrote nothing")
}

func TestInsecureServerAdmitsAnonymousCallers(t *testing.T) {
	srv, anon := startServer(t, "")
	require.False(t, srv.Secure())
	stream := "$" + newStream("insecure")
	require.NoError(t, appendTo(t, anon, stream, esdb.AppendToStreamOptions{}), "even a system stream")
	evs, err := readAll(t, anon, esdb.ReadAllOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	_, err = anon.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{})
	require.NoError(t, err)
}

func TestUserCertificates(t *testing.T) {
	dir := t.TempDir()
	ca, err := certgen.NewAuthority("test CA", time.Hour)
	require.NoError(t, err)
	caFile, _, err := ca.Write(filepath.Join(dir, "ca"), "ca")
	require.NoError(t, err)
	node, err := ca.Node("node")
	require.NoError(t, err)
	certFile, keyFile, err := node.Write(filepath.Join(dir, "node"), "node")
	require.NoError(t, err)
	srv, err := embedded.Start(t.Context(), embedded.Options{InMemory: true, Security: &embedded.Security{
		CertFile: certFile, KeyFile: keyFile, CAFile: caFile, Users: []embedded.User{alice, bob}}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })

	withCert := func(user, creds string) *esdb.Client {
		pair, err := ca.User(user)
		require.NoError(t, err)
		crt, key, err := pair.Write(filepath.Join(dir, "user-"+user), user)
		require.NoError(t, err)
		return connect(t, fmt.Sprintf("esdb://%s%s?tls=true&tlsCAFile=%s&userCertFile=%s&userKeyFile=%s",
			creds, srv.Addr(), url.QueryEscape(caFile), url.QueryEscape(crt), url.QueryEscape(key)))
	}
	a := withCert("alice", "")
	stream := newStream("cert")
	acl := esdb.Acl{}
	acl.AddWriteRoles("alice")
	setACL(t, connect(t, srv.URL()), stream, acl)
	require.NoError(t, appendTo(t, a, stream, esdb.AppendToStreamOptions{}), "alice by her certificate")
	_, err = readAll(t, a, esdb.ReadAllOptions{})
	require.Equal(t, esdb.ErrorCodeAccessDenied, errCode(err), "alice is no admin")
	_, err = readAll(t, withCert("admin", ""), esdb.ReadAllOptions{})
	require.NoError(t, err, "admin by certificate")

	unknown := withCert("mallory", "admin:changeit@")
	require.Equal(t, esdb.ErrorCodeUnauthenticated, errCode(appendTo(t, unknown, stream, esdb.AppendToStreamOptions{})),
		"a certificate naming no user is refused, whatever the password")
}
