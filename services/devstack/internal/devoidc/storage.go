package devoidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	tokenLifetime        = time.Hour     // access and ID tokens
	refreshLifetime      = 8 * time.Hour // a working day; each refresh rotates the refresh token
	authRequestLifetime  = 10 * time.Minute
	deviceLifetime       = 10 * time.Minute
	devicePollInterval   = 2 * time.Second
	errUnknownClientText = "unknown client"
)

var (
	_ op.Storage                    = (*storage)(nil)
	_ op.ClientCredentialsStorage   = (*storage)(nil)
	_ op.DeviceAuthorizationStorage = (*storage)(nil)
)

// storage is the provider's op.Storage: clients, people and keys fixed at New, sign-in requests,
// codes, refresh tokens and device authorizations in memory. Safe for concurrent use.
type storage struct {
	audience string
	people   directory
	clients  map[string]*client // applications only; people are clients only for client_credentials
	keys     *keyRing
	now      func() time.Time

	mu       sync.Mutex
	requests map[string]*authRequest // by ID
	codes    map[string]string       // code -> request ID
	refresh  map[string]*refreshToken
	devices  map[string]*deviceEntry // by device code
	users    map[string]string       // user code -> device code
}

func newStorage(audience string, people directory, clients map[string]*client, keys *keyRing) *storage {
	return &storage{audience: audience, people: people, clients: clients, keys: keys, now: time.Now,
		requests: map[string]*authRequest{}, codes: map[string]string{}, refresh: map[string]*refreshToken{},
		devices: map[string]*deviceEntry{}, users: map[string]string{}}
}

// randomID is 32 random bytes, base64url: IDs of sign-in requests, tokens and refresh tokens.
func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *storage) Health(context.Context) error { return nil }

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if c, ok := s.clients[id]; ok {
		return c, nil
	}
	return nil, errors.New(errUnknownClientText)
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if c, ok := s.clients[id]; ok && c.secretIs(secret) {
		return nil
	}
	return errors.New("wrong client ID or secret")
}

// ClientCredentials admits a demo person with their password: the client-credentials command.
func (s *storage) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	p, ok := s.people.authenticate(id, secret)
	if !ok {
		return nil, errors.New("wrong username or password")
	}
	return personClient(p), nil
}

// ClientCredentialsTokenRequest issues the token of the client-credentials command for the
// person (their subject), to the audience and the person's client ID.
func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	p, ok := s.people.byUsername(id)
	if !ok {
		return nil, errors.New("wrong username or password")
	}
	return &personRequest{subject: p.Subject, audience: []string{s.audience, p.Username}, scopes: scopes}, nil
}

// personRequest is the op.TokenRequest of the client-credentials command.
type personRequest struct {
	subject  string
	audience []string
	scopes   []string
}

func (r *personRequest) GetSubject() string    { return r.subject }
func (r *personRequest) GetAudience() []string { return r.audience }
func (r *personRequest) GetScopes() []string   { return r.scopes }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.keys.active(), nil }
func (s *storage) KeySet(context.Context) ([]op.Key, error)          { return s.keys.public(), nil }

// SignatureAlgorithms is RS256 only: discovery never offers "none" or an HMAC.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// GetKeyByIDAndClientID refuses every key: no client authenticates with a private-key JWT and
// the JWT-bearer grant is not offered to anyone.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no client authenticates with a key")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT-bearer grant is not offered")
}

// GetPrivateClaimsFromScopes gives every access token the person's claims (whatever the scopes).
func (s *storage) GetPrivateClaimsFromScopes(_ context.Context, subject, _ string, _ []string) (map[string]any, error) {
	p, ok := s.people.bySubject(subject)
	if !ok {
		return nil, errors.New("unknown person")
	}
	return p.claims(), nil
}

// SetUserinfoFromScopes gives every ID token (and userinfo answer) the person's claims.
func (s *storage) SetUserinfoFromScopes(_ context.Context, info *oidc.UserInfo, subject, _ string, _ []string) error {
	p, ok := s.people.bySubject(subject)
	if !ok {
		return errors.New("unknown person")
	}
	info.Subject = p.Subject
	info.Name = p.Name
	info.PreferredUsername = p.Username
	for k, v := range p.claims() {
		if k != "name" && k != "preferred_username" {
			info.AppendClaims(k, v)
		}
	}
	return nil
}

// SetUserinfoFromToken answers /userinfo; the op has verified the access token (signature,
// issuer, expiry) before.
func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, _, subject, _ string) error {
	return s.SetUserinfoFromScopes(ctx, info, subject, "", nil)
}

// SetIntrospectionFromToken answers /oauth/introspect for an authenticated web client; the op
// has verified the token before.
func (s *storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, _, subject, _ string) error {
	info := new(oidc.UserInfo)
	if err := s.SetUserinfoFromScopes(ctx, info, subject, "", nil); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	return nil
}
