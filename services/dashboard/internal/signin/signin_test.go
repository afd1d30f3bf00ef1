package signin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A session lives until its access token expires, then it is gone; sign-out forgets it at once.
func TestSessionsEndWithTheirToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ss := newSessions(func() time.Time { return now })
	id := ss.add(session{token: "t", expires: now.Add(time.Hour)})
	other := ss.add(session{token: "u", expires: now.Add(2 * time.Hour)})
	require.NotEqual(t, id, other)
	s, ok := ss.get(id)
	require.True(t, ok)
	require.Equal(t, "t", s.token)
	_, ok = ss.get("")
	require.False(t, ok)

	now = now.Add(time.Hour)
	_, ok = ss.get(id)
	require.False(t, ok, "expired with its token")
	_, ok = ss.get(other)
	require.True(t, ok)
	ss.remove(other)
	_, ok = ss.get(other)
	require.False(t, ok, "signed out")
}

// Expired sessions are swept as new ones arrive, so memory follows the people signed in.
func TestSessionsAreSwept(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ss := newSessions(func() time.Time { return now })
	for range 3000 {
		ss.add(session{expires: now.Add(time.Minute)})
	}
	now = now.Add(time.Hour)
	for range 1500 {
		ss.add(session{expires: now.Add(time.Minute)})
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	require.Less(t, len(ss.byID), 3000, "the expired sessions went at a sweep")
}

// The sign-in cookie opens only in the process that sealed it, under the same name, unchanged
// and before it expires.
func TestPendingSignInIsSealed(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s, err := newSealer()
	require.NoError(t, err)
	p := pending{State: "st", Verifier: "ver", Nonce: "n", Next: "/?pcn=U1", Expires: now.Add(pendingLifetime)}
	v := s.seal("dashboard_signin", p)
	require.NotContains(t, v, "st")
	got, ok := s.open("dashboard_signin", v, now)
	require.True(t, ok)
	require.Equal(t, p, got)

	_, ok = s.open("dashboard_session", v, now)
	require.False(t, ok, "under another cookie's name")
	_, ok = s.open("dashboard_signin", v, now.Add(pendingLifetime))
	require.False(t, ok, "expired")
	flipped := []byte(v)
	flipped[len(flipped)/2] ^= 1
	_, ok = s.open("dashboard_signin", string(flipped), now)
	require.False(t, ok, "changed")
	other, err := newSealer()
	require.NoError(t, err)
	_, ok = other.open("dashboard_signin", v, now)
	require.False(t, ok, "sealed by another process (a restart)")
	_, ok = s.open("dashboard_signin", "not base64!", now)
	require.False(t, ok)
}

// After sign-in the browser returns only to a page of this site.
func TestReturnOnlyToThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/?pcn=U12345&to=2026-03": "/?pcn=U12345&to=2026-03", "/export.csv": "/export.csv", "": "/",
		"https://evil.example/": "/", "//evil.example/x": "/", "/\\evil.example": "/", "evil": "/",
		"javascript:alert(1)": "/",
	} {
		require.Equal(t, want, localPath(next), "next=%q", next)
	}
	require.NotContains(t, localPath("/%0d%0aSet-Cookie:x"), "\r")
}
