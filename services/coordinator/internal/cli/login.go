package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Login defaults.
const (
	// DefaultIssuer is the devstack's OpenID Connect provider.
	DefaultIssuer = "https://127.0.0.1:9096"
	// DefaultClientID is pathwayctl's public client at the provider.
	DefaultClientID = "pathwayctl"
	// DefaultScopes: an ID, the person's name, and a refresh token so the sign-in outlives the
	// access token.
	DefaultScopes = "openid profile offline_access"
)

// loginFlags are login's command line.
type loginFlags struct {
	issuer, clientID, scopes     string
	username, password           string
	passwordStdin, passwordGiven bool
}

func (c *call) parseLogin(args []string) (loginFlags, error) {
	var f loginFlags
	fs := c.newFlags("login")
	fs.Usage = func() {
		fmt.Fprint(c.stderr, `Usage: pathwayctl login [flags]

Signs you in to the OpenID Connect provider the services trust and keeps the token in your
configuration directory (credentials.json, mode 0600; PATHWAYS_CONFIG_DIR overrides the directory).

By default it uses the device flow (RFC 8628), as with any production provider (NHS CIS2, Entra ID,
Keycloak): it prints a link and a code; open the link in a browser, enter the code and sign in.

-username with -password-stdin (or -password) signs in without a browser through the client
credentials grant, the username and password acting as client ID and secret. Only the devstack's
development provider accepts a person's password this way; a production provider does not.

Flags:
`)
		fs.PrintDefaults()
	}
	env := func(name, def string) string {
		if v := c.getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&f.issuer, "issuer", env("PATHWAYS_OIDC_ISSUER", DefaultIssuer), "OpenID Connect issuer URL [PATHWAYS_OIDC_ISSUER]")
	fs.StringVar(&f.clientID, "client-id", env("PATHWAYS_OIDC_CLIENT_ID", DefaultClientID), "pathwayctl's client ID at the provider [PATHWAYS_OIDC_CLIENT_ID]")
	fs.StringVar(&f.scopes, "scopes", env("PATHWAYS_OIDC_SCOPES", DefaultScopes), "scopes to ask for, space-separated [PATHWAYS_OIDC_SCOPES]")
	fs.StringVar(&f.username, "username", "", "sign in as this person without a browser (the devstack's provider only)")
	fs.Func("password", "the person's password (visible to other local users and kept in shell history: prefer -password-stdin)",
		func(s string) error { f.password, f.passwordGiven = s, true; return nil })
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return f, err
	}
	if len(pos) > 0 {
		return f, usagef("login takes no arguments, got %s", strings.Join(pos, " "))
	}
	if err := checkIssuer(f.issuer); err != nil {
		return f, err
	}
	if (f.passwordGiven || f.passwordStdin) && f.username == "" {
		return f, usagef("-password and -password-stdin need -username")
	}
	if f.passwordGiven && f.passwordStdin {
		return f, usagef("-password and -password-stdin: give one, not both")
	}
	if f.username != "" && !f.passwordGiven && !f.passwordStdin {
		return f, usagef("-username needs -password-stdin (or -password)")
	}
	return f, nil
}

// login signs the person in and stores their token.
func login(ctx context.Context, c *call, args []string) error {
	f, err := c.parseLogin(args)
	if err != nil {
		return err
	}
	path, err := c.credentialsPath()
	if err != nil {
		return err
	}
	if f.passwordStdin {
		if f.password, err = readPassword(c); err != nil {
			return err
		}
	}
	pctx, err := c.providerContext(ctx)
	if err != nil {
		return err
	}
	ep, err := endpoint(pctx, f.issuer)
	if err != nil {
		return err
	}
	cr := Credentials{Issuer: f.issuer, ClientID: f.clientID}
	var tok *oauth2.Token
	if f.username != "" {
		cr.ClientID = f.username
		tok, err = passwordToken(pctx, ep, f)
	} else {
		tok, err = c.deviceToken(pctx, ep, f)
	}
	if err != nil {
		return err
	}
	cr = cr.withToken(tok)
	if err := saveCredentials(path, cr); err != nil {
		return err
	}
	who := "you"
	if id, err := claimsOf(cr.AccessToken); err == nil {
		who = id.Actor + " (" + id.Subject + ")"
	}
	_, err = fmt.Fprintf(c.stdout, "Signed in as %s at %s; the token is kept in %s\n", who, f.issuer, path)
	return err
}

func readPassword(c *call) (string, error) {
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("-password-stdin: %w", err)
		}
		return "", usagef("-password-stdin: no password on standard input")
	}
	return line, nil
}

// deviceToken runs the device authorization grant (RFC 8628): it prints where to sign in and
// polls the token endpoint until the person has.
func (c *call) deviceToken(ctx context.Context, ep oauth2.Endpoint, f loginFlags) (*oauth2.Token, error) {
	if ep.DeviceAuthURL == "" {
		return nil, fmt.Errorf("%s offers no device flow (no device_authorization_endpoint in its discovery document)", f.issuer)
	}
	ep.AuthStyle = oauth2.AuthStyleInParams // a public client: its ID in the form, no secret
	cfg := &oauth2.Config{ClientID: f.clientID, Endpoint: ep, Scopes: strings.Fields(f.scopes)}
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return nil, providerRefusal("start the device sign-in", err)
	}
	fmt.Fprintf(c.stderr, "To sign in, open %s and enter the code %s\n", da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(c.stderr, "  (or open %s)\n", da.VerificationURIComplete)
	}
	if !da.Expiry.IsZero() {
		fmt.Fprintf(c.stderr, "Waiting for you to sign in (the code expires at %s)...\n", da.Expiry.Local().Format(time.Kitchen))
	}
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, &signInError{msg: "the sign-in code expired before you signed in: run pathwayctl login again"}
	}
	if err != nil {
		return nil, providerRefusal("device sign-in", err)
	}
	return tok, nil
}

// passwordToken asks for the person's token with the client credentials grant, their username
// and password as client ID and secret (HTTP Basic): the devstack's provider only.
func passwordToken(ctx context.Context, ep oauth2.Endpoint, f loginFlags) (*oauth2.Token, error) {
	scopes := slices.DeleteFunc(strings.Fields(f.scopes), func(s string) bool { return s == "offline_access" }) // no refresh token in this grant
	cfg := &clientcredentials.Config{ClientID: f.username, ClientSecret: f.password, TokenURL: ep.TokenURL,
		Scopes: scopes, AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cfg.Token(ctx)
	if err != nil {
		return nil, providerRefusal("sign in as "+f.username, err)
	}
	return tok, nil
}

// providerRefusal turns the provider's OAuth error answer into a sign-in error naming it.
func providerRefusal(what string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		msg := what + ": the provider refused (" + re.ErrorCode
		if re.ErrorDescription != "" {
			msg += ": " + re.ErrorDescription
		}
		return &signInError{msg: msg + ")"}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// logout forgets the stored token.
func logout(_ context.Context, c *call, args []string) error {
	if err := parseFlags(c.newFlags("logout"), args); err != nil {
		return err
	}
	path, err := c.credentialsPath()
	if err != nil {
		return err
	}
	removed, err := removeCredentials(path)
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintln(c.stderr, "pathwayctl: you were not signed in")
		return nil
	}
	_, err = fmt.Fprintf(c.stdout, "Signed out: removed %s\n", path)
	return err
}

// token prints a valid access token, refreshing the stored one when it has expired.
func token(ctx context.Context, c *call, args []string) error {
	if err := parseFlags(c.newFlags("token"), args); err != nil {
		return err
	}
	s, err := c.openSession()
	if err != nil {
		return err
	}
	t, err := s.Token(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.stdout, t)
	return err
}
