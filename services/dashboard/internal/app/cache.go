package app

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// figureCache keeps computed figures until the read model changes. Every applied fact bumps the
// generation, which empties the cache; the key holds the filter and the snapshot instant
// (to the minute) and today's London date, so figures taken "now" move on with the clock. Cached messages are shared:
// callers must not modify them. Safe for concurrent use.
type figureCache struct {
	generation atomic.Uint64
	mu         sync.Mutex
	seen       uint64
	entries    map[cacheKey]any
}

type cacheKey struct {
	kind   string
	filter domain.Filter
	asAt   int64
	// today is the London day: readmission windows close as days pass.
	today int64
}

const maxCacheEntries = 512

func newFigureCache() *figureCache { return &figureCache{entries: map[cacheKey]any{}} }

// changed records that the read model changed.
func (c *figureCache) changed() { c.generation.Add(1) }

func (c *figureCache) key(kind string, f domain.Filter, now time.Time) cacheKey {
	return cacheKey{kind: kind, filter: f, asAt: domain.AsAt(f.Period.To, now).Truncate(time.Minute).Unix(), today: domain.DayNumber(now)}
}

func (c *figureCache) get(k cacheKey) (any, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.generation.Load()
	if gen != c.seen {
		clear(c.entries)
		c.seen = gen
	}
	v, ok := c.entries[k]
	return v, gen, ok
}

// put stores v computed at generation gen, unless the model changed meanwhile.
func (c *figureCache) put(k cacheKey, gen uint64, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation.Load() || gen != c.seen {
		return
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
	}
	c.entries[k] = v
}

// cached returns the figures for k, computing them with compute on a miss.
func cached[T any](c *figureCache, k cacheKey, compute func() (T, error)) (T, error) {
	if v, _, ok := c.get(k); ok {
		return v.(T), nil
	}
	_, gen, _ := c.get(k)
	v, err := compute()
	if err == nil {
		c.put(k, gen, v)
	}
	return v, err
}
