package patientkeys

import (
	"bytes"
	"crypto/cipher"
	"sync"
	"time"
)

// KeyCacheTTL is the longest an unwrapped data key stays in a process's memory after it was
// last unwrapped. The cache only saves a master-key call (a KMS round trip in production): an
// entry is used only when the store still holds the same wrapped key, which is read on every
// Seal and Open, so an erased key is never used again by any process. What the TTL bounds is
// how long the key's bytes may linger in the memory of a process that used it.
const KeyCacheTTL = time.Minute

// keyCacheMax bounds the number of cached keys; a full cache is emptied of expired entries,
// then of everything.
const keyCacheMax = 1024

// keyCache holds unwrapped data keys (as ciphers) briefly. Safe for concurrent use.
type keyCache struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]cachedKey
}

type cachedKey struct {
	wrapped []byte
	aead    cipher.AEAD
	expires time.Time
}

func newKeyCache() *keyCache {
	return &keyCache{now: time.Now, entries: map[string]cachedKey{}}
}

// get returns the cipher of ref if it was unwrapped from exactly wrapped and has not expired.
func (c *keyCache) get(ref string, wrapped []byte) cipher.AEAD {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[ref]
	switch {
	case !ok:
		return nil
	case !c.now().Before(e.expires) || !bytes.Equal(e.wrapped, wrapped):
		delete(c.entries, ref)
		return nil
	}
	return e.aead
}

// put caches the cipher of ref, unwrapped from wrapped, for KeyCacheTTL.
func (c *keyCache) put(ref string, wrapped []byte, aead cipher.AEAD) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= keyCacheMax {
		for r, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, r)
			}
		}
		if len(c.entries) >= keyCacheMax {
			clear(c.entries)
		}
	}
	c.entries[ref] = cachedKey{wrapped: bytes.Clone(wrapped), aead: aead, expires: now.Add(KeyCacheTTL)}
}

// drop forgets ref's key.
func (c *keyCache) drop(ref string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, ref)
}

// clear forgets every key.
func (c *keyCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}
