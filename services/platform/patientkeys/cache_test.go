package patientkeys

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestKeyCacheForgetsAfterTTLOrWhenTheStoredKeyChanges: an unwrapped key is used only while the
// store holds the same wrapped key, and never longer than KeyCacheTTL.
func TestKeyCacheForgetsAfterTTLOrWhenTheStoredKeyChanges(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	c := newKeyCache()
	c.now = func() time.Time { return now }
	aead, err := newGCM(randomBytes(KeySize))
	require.NoError(t, err)
	ref, wrapped := newRef(), []byte("wrapped-1")

	c.put(ref, wrapped, aead)
	require.NotNil(t, c.get(ref, wrapped))
	require.Nil(t, c.get(ref, []byte("wrapped-2")), "used for another wrapped key")
	require.Nil(t, c.get(ref, wrapped), "a stale entry survived")

	c.put(ref, wrapped, aead)
	now = now.Add(KeyCacheTTL - time.Nanosecond)
	require.NotNil(t, c.get(ref, wrapped))
	now = now.Add(time.Nanosecond)
	require.Nil(t, c.get(ref, wrapped), "kept past its TTL")
	require.Empty(t, c.entries)

	for range keyCacheMax + 1 {
		c.put(newRef(), wrapped, aead)
	}
	require.LessOrEqual(t, len(c.entries), keyCacheMax)
}
