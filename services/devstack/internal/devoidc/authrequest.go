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

// authRequest is a sign-in request of the authorization code flow, from /authorize until its
// code is exchanged. It implements op.AuthRequest.
type authRequest struct {
	id        string
	created   time.Time
	clientID  string
	audience  []string
	redirect  string
	state     string
	nonce     string
	scopes    []string
	respType  oidc.ResponseType
	respMode  oidc.ResponseMode
	challenge *oidc.CodeChallenge
	subject   string // set by the sign-in page
	authTime  time.Time
	done      bool
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAudience() []string                 { return a.audience }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirect }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.respType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.respMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

func (a *authRequest) GetAMR() []string {
	if a.done {
		return []string{"pwd"}
	}
	return nil
}

// CreateAuthRequest keeps a validated /authorize request. Every client must send a PKCE S256
// challenge (a web client marked PKCEOptional may send none); "plain" is refused. There is no
// single sign-on session, so prompt=none cannot succeed.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired()
	}
	c, ok := s.clients[req.ClientID]
	if !ok {
		return nil, oidc.ErrInvalidClient().WithDescription(errUnknownClientText)
	}
	var challenge *oidc.CodeChallenge
	switch {
	case req.CodeChallenge != "" && req.CodeChallengeMethod == oidc.CodeChallengeMethodS256:
		challenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: oidc.CodeChallengeMethodS256}
	case req.CodeChallenge != "" || !c.pkceOptional:
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	}
	now := s.now()
	a := &authRequest{id: randomID(), created: now, clientID: c.id, audience: []string{s.audience, c.id},
		redirect: req.RedirectURI, state: req.State, nonce: req.Nonce, scopes: req.Scopes,
		respType: req.ResponseType, respMode: req.ResponseMode, challenge: challenge}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	s.requests[a.id] = a
	return a.copy(), nil
}

func (a *authRequest) copy() *authRequest {
	c := *a
	return &c
}

// expireLocked forgets sign-in requests, codes, refresh tokens and device authorizations that
// have expired. The caller holds s.mu.
func (s *storage) expireLocked(now time.Time) {
	maps.DeleteFunc(s.requests, func(_ string, a *authRequest) bool { return now.Sub(a.created) > authRequestLifetime })
	maps.DeleteFunc(s.codes, func(_ string, id string) bool { return s.requests[id] == nil })
	maps.DeleteFunc(s.refresh, func(_ string, t *refreshToken) bool { return now.After(t.expires) })
	maps.DeleteFunc(s.devices, func(_ string, d *deviceEntry) bool { return now.After(d.state.Expires) })
	maps.DeleteFunc(s.users, func(_ string, code string) bool { return s.devices[code] == nil })
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || s.now().Sub(a.created) > authRequestLifetime {
		return nil, errors.New("unknown or expired sign-in request")
	}
	return a.copy(), nil
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("unknown or used code")
	}
	return s.AuthRequestByID(ctx, id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[id]; !ok {
		return errors.New("unknown or expired sign-in request")
	}
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest forgets the request and its code once tokens are issued: a code is used once.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	maps.DeleteFunc(s.codes, func(_ string, rid string) bool { return rid == id })
	return nil
}

// signIn records that the person signed in for the request (the sign-in page).
func (s *storage) signIn(id string, p Person) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || s.now().Sub(a.created) > authRequestLifetime {
		return errors.New("unknown or expired sign-in request")
	}
	if a.done {
		return errors.New("this sign-in request has been used")
	}
	a.subject, a.authTime, a.done = p.Subject, s.now(), true
	return nil
}

// requestClient returns the client ID of a pending sign-in request (for the sign-in page).
func (s *storage) requestClient(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || a.done || s.now().Sub(a.created) > authRequestLifetime {
		return "", false
	}
	return a.clientID, true
}
