package devoidc

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// pollDevice asks the token endpoint once, as pathwayctl does while it waits.
func pollDevice(t *testing.T, e *env, deviceCode string) tokenResponse {
	t.Helper()
	return e.postForm(t, "/oauth/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
		"device_code": {deviceCode}, "client_id": {PathwayctlClientID}}, "", "")
}

// submitDevice posts the device sign-in page.
func submitDevice(t *testing.T, e *env, browser *http.Client, userCode, username, password string) (int, string) {
	t.Helper()
	form := url.Values{userCodeField: {userCode}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+devicePath, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a := do(t, browser, req)
	return a.status, a.body
}

// pathwayctl login: device authorization, the person enters the user code and signs in on the
// page, the polling device gets the person's tokens (once), and refreshes them.
func TestDeviceFlowGivesThePersonsTokens(t *testing.T) {
	e := start(t, Options{})
	cfg := &oauth2.Config{ClientID: PathwayctlClientID, Endpoint: e.oidc.Endpoint(), Scopes: []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess}}
	da, err := cfg.DeviceAuth(e.ctx)
	require.NoError(t, err)
	require.Equal(t, e.p.Issuer()+devicePath, da.VerificationURI)
	require.Equal(t, "authorization_pending", pollDevice(t, e, da.DeviceCode).Error)

	browser := e.browser(t)
	page := navigate(t, browser, da.VerificationURIComplete)
	require.Equal(t, http.StatusOK, page.status)
	require.Contains(t, page.body, `value="`+da.UserCode+`"`, "the page shows the user code from the link")

	status, body := submitDevice(t, e, browser, da.UserCode, "coord-u90002", "wrong")
	require.Equal(t, http.StatusUnauthorized, status, body)
	require.Equal(t, "authorization_pending", pollDevice(t, e, da.DeviceCode).Error, "a failed sign-in completes nothing")

	status, body = submitDevice(t, e, browser, strings.ToLower(strings.ReplaceAll(da.UserCode, "-", "")), "coord-u90002", "demo")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "Signed in as Daniel Okafor")

	tr := pollDevice(t, e, da.DeviceCode)
	require.Empty(t, tr.Error)
	c := e.verify(t, tr.AccessToken)
	requirePerson(t, e, c, "coord-u90002", PathwayctlClientID)
	require.Equal(t, []string{"U90002"}, c.ODS)
	require.NotEmpty(t, tr.IDToken)
	require.NotEmpty(t, pollDevice(t, e, da.DeviceCode).Error, "a device code gives tokens once")

	refreshed, err := cfg.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tr.RefreshToken}).Token()
	require.NoError(t, err)
	requirePerson(t, e, e.verify(t, refreshed.AccessToken), "coord-u90002", PathwayctlClientID)
}
