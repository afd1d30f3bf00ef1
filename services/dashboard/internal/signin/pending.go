package signin

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// pendingLifetime is how long a browser has from /auth/login to /auth/callback.
const pendingLifetime = 10 * time.Minute

// pending is a sign-in under way, kept in the browser in a cookie sealed with AES-GCM (so it can
// be neither read nor changed there): the state the callback must bring back, the PKCE code
// verifier, the nonce the ID token must carry, and the page to return to.
type pending struct {
	State    string    `json:"s"`
	Verifier string    `json:"v"`
	Nonce    string    `json:"n"`
	Next     string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// sealer seals values for cookies with a key made at start: a restart only fails the sign-ins
// under way, which start again.
type sealer struct{ aead cipher.AEAD }

func newSealer() (sealer, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("sign-in cookie key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("sign-in cookie key: %w", err)
	}
	return sealer{aead: aead}, nil
}

// seal encrypts p for the cookie name (the name is authenticated too).
func (s sealer) seal(name string, p pending) string {
	plain, _ := json.Marshal(p) // a struct of strings and a time always marshals
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(name)))
}

// open returns the pending sign-in sealed in value, if it was sealed by this process for the
// cookie name and has not expired.
func (s sealer) open(name, value string, now time.Time) (pending, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return pending{}, false
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return pending{}, false
	}
	var p pending
	if json.Unmarshal(plain, &p) != nil || !now.Before(p.Expires) || p.State == "" {
		return pending{}, false
	}
	return p, true
}

// localPath returns next if it is a path on this site ("/?pcn=U12345"), else "/": the page to
// return to after sign-in is never another site (no open redirect).
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return u.RequestURI()
}
