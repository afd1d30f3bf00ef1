package devoidc

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// refreshToken is what a refresh token stands for. It is used once: a refresh returns a new one.
type refreshToken struct {
	subject  string
	clientID string
	audience []string
	scopes   []string
	amr      []string
	authTime time.Time
	expires  time.Time
}

// refreshRequest is a refresh_token grant's op.RefreshTokenRequest.
type refreshRequest struct{ refreshToken }

func (r *refreshRequest) GetAMR() []string            { return r.amr }
func (r *refreshRequest) GetAudience() []string       { return r.audience }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.authTime }
func (r *refreshRequest) GetClientID() string         { return r.clientID }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return r.subject }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// CreateAccessToken names a new access token (its jti) and its expiry; the op signs it as a JWT
// with the person's claims (GetPrivateClaimsFromScopes). Access tokens are not kept: they are
// valid until they expire.
func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomID(), s.now().Add(tokenLifetime), nil
}

// CreateAccessAndRefreshTokens issues an access token with a refresh token: a new one for a
// sign-in (current empty), or, for a refresh, one that replaces current.
func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	r, ok := req.(op.IDTokenRequest)
	if !ok {
		return "", "", time.Time{}, errors.New("this grant does not issue refresh tokens")
	}
	now := s.now()
	next := &refreshToken{subject: r.GetSubject(), clientID: r.GetClientID(), audience: slices.Clone(r.GetAudience()),
		scopes: slices.Clone(r.GetScopes()), amr: r.GetAMR(), authTime: r.GetAuthTime(), expires: now.Add(refreshLifetime)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	if current != "" {
		old, ok := s.refresh[current]
		if !ok || old.subject != next.subject || old.clientID != next.clientID {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("unknown, used or expired refresh token")
		}
		delete(s.refresh, current)
	}
	token := randomID()
	s.refresh[token] = next
	return randomID(), token, now.Add(tokenLifetime), nil
}

func (s *storage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[token]
	if !ok || s.now().After(t.expires) {
		return nil, errors.New("unknown, used or expired refresh token")
	}
	c := *t
	c.scopes = slices.Clone(t.scopes)
	return &refreshRequest{c}, nil
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, clientID, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[token]
	if !ok || t.clientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.subject, token, nil
}

// TerminateSession (/end_session) forgets the person's refresh tokens for the client.
func (s *storage) TerminateSession(_ context.Context, subject, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.DeleteFunc(s.refresh, func(_ string, t *refreshToken) bool { return t.subject == subject && t.clientID == clientID })
	return nil
}

// RevokeToken (/revoke) forgets a refresh token. An access token is a JWT valid until it
// expires; revoking one, or an unknown token, changes nothing (RFC 7009 answers 200 all the same).
func (s *storage) RevokeToken(_ context.Context, token, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[token]
	if !ok {
		return nil
	}
	if t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
	}
	delete(s.refresh, token)
	return nil
}
