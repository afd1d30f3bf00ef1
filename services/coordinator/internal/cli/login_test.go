package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// loginHarness is a harness whose issuer is a fake provider, trusted through -ca-file.
func loginHarness(t *testing.T) (*harness, *fakeProvider) {
	t.Helper()
	p := newFakeProvider(t)
	h := newHarness(t)
	h.env["PATHWAYS_OIDC_ISSUER"], h.env["PATHWAYS_CA_FILE"] = p.srv.URL, p.caFile
	return h, p
}

// requirePrivateFile checks the credentials file and its directory are the user's alone.
func requirePrivateFile(t *testing.T, h *harness) {
	t.Helper()
	fi, err := os.Stat(h.credentialsPath())
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "credentials file mode")
	entries, err := os.ReadDir(h.dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left behind")
}

func TestLoginWithTheDeviceFlowKeepsTheTokenPrivate(t *testing.T) {
	h, p := loginHarness(t)
	h.dir = filepath.Join(h.dir, "pathways") // a directory login makes
	h.env["PATHWAYS_CONFIG_DIR"] = h.dir

	code, out, errs := h.run("login")
	require.Equal(t, ExitOK, code, errs)
	require.Contains(t, errs, "To sign in, open "+p.srv.URL+"/device and enter the code "+fakeUserCode)
	require.Contains(t, out, "Signed in as Priya Shah (demo-coord-u90001) at "+p.srv.URL)

	require.Equal(t, []string{"pathwayctl"}, p.deviceRequest()["client_id"])
	require.Equal(t, []string{"openid profile offline_access"}, p.deviceRequest()["scope"])
	reqs := p.tokenRequests()
	require.Len(t, reqs, 2, "polled while authorization was pending, then got the token")
	for _, r := range reqs {
		require.Equal(t, fakeDeviceCode, r.form["device_code"][0])
	}

	requirePrivateFile(t, h)
	di, err := os.Stat(h.dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm(), "configuration directory mode")
	cr := h.stored(t)
	require.Equal(t, p.srv.URL, cr.Issuer)
	require.Equal(t, "pathwayctl", cr.ClientID)
	require.Equal(t, fakeRefresh, cr.RefreshToken)
	require.Equal(t, "Bearer", cr.TokenType)
	require.WithinDuration(t, time.Now().Add(time.Hour), cr.Expiry, 5*time.Minute)
	p1, err := claimsOf(cr.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "demo-coord-u90001", p1.Subject)
}

func TestLoginWithAPasswordUsesTheClientCredentialsGrant(t *testing.T) {
	h, p := loginHarness(t)
	h.stdin = "demo\n"

	code, out, errs := h.run("login", "-username", "coord-u90001", "-password-stdin")
	require.Equal(t, ExitOK, code, errs)
	require.Contains(t, out, "Signed in as Priya Shah (demo-coord-u90001)")
	reqs := p.tokenRequests()
	require.Len(t, reqs, 1)
	require.Equal(t, "client_credentials", reqs[0].form["grant_type"][0])
	require.True(t, reqs[0].basic, "the username and password as HTTP Basic client credentials")
	require.Equal(t, "coord-u90001", reqs[0].basicID)
	require.Equal(t, "demo", reqs[0].basicPW)
	require.Equal(t, "openid profile", reqs[0].form["scope"][0], "no offline_access: this grant has no refresh token")
	requirePrivateFile(t, h)
	cr := h.stored(t)
	require.Equal(t, "coord-u90001", cr.ClientID)
	require.Empty(t, cr.RefreshToken)

	h.stdin = "wrong\n"
	require.NoError(t, os.Remove(h.credentialsPath()))
	code, _, errs = h.run("login", "--username", "coord-u90001", "--password-stdin")
	require.Equal(t, ExitUnauthorised, code, errs)
	require.Contains(t, errs, "sign in as coord-u90001: the provider refused (invalid_client: wrong username or password)")
	_, err := os.Stat(h.credentialsPath())
	require.ErrorIs(t, err, os.ErrNotExist, "a refused sign-in stores nothing")

	code, _, errs = h.run("login", "-username", "coord-u90001", "-password", "demo")
	require.Equal(t, ExitOK, code, errs)
}

func TestLoginRefusesBadCommandLines(t *testing.T) {
	h, p := loginHarness(t)
	tests := []struct {
		args []string
		says string
	}{
		{[]string{"login", "-username", "u"}, "-username needs -password-stdin"},
		{[]string{"login", "-password-stdin"}, "need -username"},
		{[]string{"login", "-username", "u", "-password", "p", "-password-stdin"}, "give one, not both"},
		{[]string{"login", "-issuer", "http://idp.example.com"}, "-issuer: must be https"},
		{[]string{"login", "-username", "u", "-password-stdin"}, "no password on standard input"},
	}
	for _, tt := range tests {
		code, _, errs := h.run(tt.args...)
		require.Equal(t, ExitUsage, code, errs)
		require.Contains(t, errs, tt.says)
	}
	require.Empty(t, p.tokenRequests())
}

func TestLoginVerifiesTheProvidersCertificate(t *testing.T) {
	h, p := loginHarness(t)
	delete(h.env, "PATHWAYS_CA_FILE")
	code, _, errs := h.run("login")
	require.Equal(t, ExitFailed, code, errs)
	require.Contains(t, errs, "certificate")
	require.Empty(t, p.tokenRequests())
}

func TestCommandsSendTheStoredTokenOverTLS(t *testing.T) {
	h, p := loginHarness(t)
	f := &fakeCoordinator{}
	h.env["PATHWAYCTL_COORDINATOR"] = h.serveCoordinator(t, f, true)
	h.env["PATHWAYS_CA_FILE"] = h.caFile
	access := p.mustAccessToken(t, 1, time.Hour)
	h.signIn(t, Credentials{Issuer: p.srv.URL, ClientID: "pathwayctl", AccessToken: access, RefreshToken: fakeRefresh,
		Expiry: time.Now().Add(time.Hour), TokenType: "Bearer"})

	code, out, errs := h.run("show", "ref-C-1")
	require.Equal(t, ExitOK, code, errs)
	require.Contains(t, out, "ref-C-1")
	require.Equal(t, []string{"Bearer " + access}, f.authorizations())
	require.Empty(t, f.interim)
	require.Empty(t, p.tokenRequests(), "a valid token is used as it is")

	delete(h.env, "PATHWAYS_CA_FILE")
	code, _, errs = h.run("show", "ref-C-1")
	require.Equal(t, ExitFailed, code, "the coordinator's certificate is verified: %s", errs)
	require.Len(t, f.authorizations(), 1, "nothing reached an unverified server")
}

func TestAnExpiredTokenIsRefreshedAndSaved(t *testing.T) {
	h, p := loginHarness(t)
	f := &fakeCoordinator{}
	h.env["PATHWAYCTL_COORDINATOR"] = h.serveCoordinator(t, f, true)
	expired := p.mustAccessToken(t, 0, -time.Minute)
	h.signIn(t, Credentials{Issuer: p.srv.URL, ClientID: "pathwayctl", AccessToken: expired, RefreshToken: fakeRefresh,
		Expiry: time.Now().Add(-time.Minute), TokenType: "Bearer"})

	code, _, errs := h.run("show", "ref-C-1")
	require.Equal(t, ExitOK, code, errs)
	reqs := p.tokenRequests()
	require.Len(t, reqs, 1)
	require.Equal(t, "refresh_token", reqs[0].form["grant_type"][0])
	require.Equal(t, fakeRefresh, reqs[0].form["refresh_token"][0])
	require.Equal(t, "pathwayctl", reqs[0].form["client_id"][0])

	cr := h.stored(t)
	require.NotEqual(t, expired, cr.AccessToken)
	require.Equal(t, "refresh-2", cr.RefreshToken, "the provider's new refresh token is kept")
	require.True(t, cr.Expiry.After(time.Now()))
	require.Equal(t, []string{"Bearer " + cr.AccessToken}, f.authorizations(), "the refreshed token is sent")
	requirePrivateFile(t, h)

	code, out, errs := h.run("token")
	require.Equal(t, ExitOK, code, errs)
	require.Equal(t, cr.AccessToken+"\n", out)
	require.Len(t, p.tokenRequests(), 1, "the saved token is used again, not refreshed again")
}

func TestSignInProblemsSayRunLogin(t *testing.T) {
	h, p := loginHarness(t)
	f := &fakeCoordinator{}
	h.env["PATHWAYCTL_COORDINATOR"] = h.serveCoordinator(t, f, true)

	for _, args := range [][]string{{"show", "ref-C-1"}, {"token"}, {"whoami"}, {"pathways", "list"}} {
		code, out, errs := h.run(args...)
		require.Equal(t, ExitUnauthorised, code, errs)
		require.Equal(t, "pathwayctl: not signed in: run pathwayctl login\n", errs)
		require.Empty(t, out)
	}

	h.signIn(t, Credentials{Issuer: p.srv.URL, ClientID: "coord-u90001", AccessToken: p.mustAccessToken(t, 0, -time.Minute),
		Expiry: time.Now().Add(-time.Minute)})
	code, _, errs := h.run("show", "ref-C-1")
	require.Equal(t, ExitUnauthorised, code, errs)
	require.Contains(t, errs, "your sign-in expired at ")
	require.Contains(t, errs, "run pathwayctl login")

	h.signIn(t, Credentials{Issuer: p.srv.URL, ClientID: "pathwayctl", AccessToken: "old", RefreshToken: "revoked",
		Expiry: time.Now().Add(-time.Minute)})
	code, _, errs = h.run("token")
	require.Equal(t, ExitUnauthorised, code, errs)
	require.Contains(t, errs, "the provider refused to renew it (invalid_grant): run pathwayctl login")
	require.Empty(t, f.authorizations(), "no call was made")
}

func TestTokenWhoamiAndLogout(t *testing.T) {
	h, p := loginHarness(t)
	access := p.mustAccessToken(t, 1, time.Hour)
	h.signIn(t, Credentials{Issuer: p.srv.URL, ClientID: "pathwayctl", AccessToken: access, Expiry: time.Now().Add(time.Hour)})

	code, out, errs := h.run("token")
	require.Equal(t, ExitOK, code, errs)
	require.Equal(t, access+"\n", out, "only the token, for $(pathwayctl token)")

	code, out, errs = h.run("whoami")
	require.Equal(t, ExitOK, code, errs)
	for _, want := range []string{"Subject:        demo-coord-u90001", "Name:           Priya Shah", "Roles:          coordinator",
		"EOGs:           MSK Clinical Expert Oversight Group", "Organisations:  U90001", "Issuer:         " + p.srv.URL,
		"without verifying it"} {
		require.Contains(t, out, want)
	}
	code, out, errs = h.run("whoami", "-o", "json")
	require.Equal(t, ExitOK, code, errs)
	require.JSONEq(t, `{"subject": "demo-coord-u90001", "name": "Priya Shah", "roles": ["coordinator"],
		"eogs": ["MSK Clinical Expert Oversight Group"], "organisations": ["U90001"], "issuer": "`+p.srv.URL+`",
		"expires": "`+h.stored(t).Expiry.UTC().Format(time.RFC3339)+`", "verified": false}`, out)

	code, out, errs = h.run("logout")
	require.Equal(t, ExitOK, code, errs)
	require.Contains(t, out, "Signed out")
	_, err := os.Stat(h.credentialsPath())
	require.ErrorIs(t, err, os.ErrNotExist)
	code, _, errs = h.run("logout")
	require.Equal(t, ExitOK, code, errs)
	require.Contains(t, errs, "you were not signed in")
	code, _, _ = h.run("token")
	require.Equal(t, ExitUnauthorised, code)
}

func TestInsecureIsPlaintextToLoopbackOnly(t *testing.T) {
	h := newHarness(t)
	h.signIn(t, Credentials{Issuer: "https://issuer.test", ClientID: "pathwayctl", AccessToken: testToken, Expiry: time.Now().Add(time.Hour)})
	f := &fakeCoordinator{}
	h.env["PATHWAYCTL_COORDINATOR"] = h.serveCoordinator(t, f, false)

	code, _, errs := h.run("show", "ref-C-1")
	require.Equal(t, ExitFailed, code, "TLS by default: a plaintext server does not answer: %s", errs)
	require.Empty(t, f.authorizations())

	code, _, errs = h.run("-insecure", "show", "ref-C-1")
	require.Equal(t, ExitOK, code, errs)
	require.Equal(t, []string{"Bearer " + testToken}, f.authorizations())

	h.env["PATHWAYCTL_INSECURE"] = "true"
	h.env["PATHWAYCTL_COORDINATOR"] = "coordinator.example.com:9101"
	code, _, errs = h.run("show", "ref-C-1")
	require.Equal(t, ExitUsage, code, errs)
	require.Contains(t, errs, "-insecure: only for a service on a loopback address")
	require.True(t, strings.HasPrefix(errs, "pathwayctl: "), errs)
}
