package signin

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// maxSessions bounds the sessions kept: past it, the one that would expire first goes.
const maxSessions = 100_000

// session is one signed-in browser: the person's access token (what the page's routes verify on
// every request), the ID token (the hint for the provider's sign-out), the token that sign-out
// forms must carry (CSRF), and when it ends (the access token's expiry).
type session struct {
	token   string
	idToken string
	csrf    string
	expires time.Time
}

// sessions are the signed-in browsers, by session ID, in memory: a restart signs everyone out.
// Safe for concurrent use.
type sessions struct {
	now func() time.Time

	mu      sync.Mutex
	byID    map[string]session
	sweepAt int
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, byID: map[string]session{}, sweepAt: 1024}
}

// add keeps s under a new random ID and returns the ID.
func (ss *sessions) add(s session) string {
	id := randomID()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.byID) >= ss.sweepAt {
		ss.sweepLocked()
	}
	ss.byID[id] = s
	return id
}

// sweepLocked forgets expired sessions and, at the cap, the one that would expire first; the
// next sweep comes when the map has doubled.
func (ss *sessions) sweepLocked() {
	now := ss.now()
	for id, s := range ss.byID {
		if !now.Before(s.expires) {
			delete(ss.byID, id)
		}
	}
	for len(ss.byID) >= maxSessions {
		first := ""
		for id, s := range ss.byID {
			if first == "" || s.expires.Before(ss.byID[first].expires) {
				first = id
			}
		}
		delete(ss.byID, first)
	}
	ss.sweepAt = max(1024, 2*len(ss.byID))
}

// get returns the live session with the ID; an expired one is forgotten.
func (ss *sessions) get(id string) (session, bool) {
	if id == "" {
		return session{}, false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.byID[id]
	if !ok {
		return session{}, false
	}
	if !ss.now().Before(s.expires) {
		delete(ss.byID, id)
		return session{}, false
	}
	return s, true
}

// remove forgets the session (sign-out).
func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byID, id)
}

// randomID is 256 random bits, base64url: session IDs, states, nonces, CSRF tokens.
func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
