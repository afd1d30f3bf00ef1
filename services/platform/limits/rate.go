package limits

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// The defaults of Rate (DefaultRate).
const (
	DefaultRatePerSecond = 50
	DefaultRateBurst     = 100
	DefaultIdleAfter     = 10 * time.Minute
	DefaultMaxCallers    = 100_000
)

// Rate is how fast each caller may call: a token bucket of Burst tokens per caller, refilled at
// PerSecond, one token a call (a stream costs one token when it opens). It is a value.
type Rate struct {
	// PerSecond is the calls a second each caller may keep up; 0 turns rate limiting off.
	PerSecond float64
	// Burst is how many calls a caller may make at once, before the rate applies; at least 1
	// when PerSecond is set.
	Burst int
	// IdleAfter forgets a caller's bucket unused this long (0: DefaultIdleAfter), or unused for
	// as long as it takes to refill, whichever is longer: a forgotten bucket would be full again.
	IdleAfter time.Duration
	// MaxCallers bounds the buckets kept (0: DefaultMaxCallers); beyond it the least recently
	// used is forgotten, so memory stays bounded however many addresses call.
	MaxCallers int
	// Unlimited, when set, reports callers never limited (for instance this system's own
	// services: func(p identity.Principal) bool { return p.Service != "" }).
	Unlimited func(identity.Principal) bool
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
}

// DefaultRate returns the rate every caller gets unless told otherwise.
func DefaultRate() Rate {
	return Rate{PerSecond: DefaultRatePerSecond, Burst: DefaultRateBurst}
}

// Validate returns every problem at once, each naming its flag and rule.
func (r Rate) Validate() error {
	var errs []error
	switch {
	case math.IsNaN(r.PerSecond) || math.IsInf(r.PerSecond, 0):
		errs = append(errs, fmt.Errorf("%s: must be a finite number of calls a second, not %v", flagRate, r.PerSecond))
	case r.PerSecond < 0:
		errs = append(errs, fmt.Errorf("%s: must not be negative (0 turns rate limiting off), not %v", flagRate, r.PerSecond))
	case r.PerSecond > 0 && r.Burst < 1:
		errs = append(errs, fmt.Errorf("%s: must be at least 1 when %s is set, not %d", flagBurst, flagRate, r.Burst))
	}
	errs = append(errs, notNegative("IdleAfter", r.IdleAfter), notNegative("MaxCallers", r.MaxCallers))
	return errors.Join(errs...)
}

// Limiter holds a token bucket per caller key (Caller, HTTPCaller). Build it with NewLimiter;
// it is safe for concurrent use. Unary and Stream are its gRPC interceptors, HTTP its HTTP
// middleware; one Limiter may serve both, so a caller has one bucket across them.
type Limiter struct {
	rate    Rate
	forget  time.Duration // a bucket unused this long is full again: forgotten
	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	recent  *list.List               // most recently used first
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	used time.Time
}

// NewLimiter returns the limiter of r (a zero PerSecond: one that admits every call). A Burst
// below 1 counts as 1.
func NewLimiter(r Rate) *Limiter {
	if r.IdleAfter <= 0 {
		r.IdleAfter = DefaultIdleAfter
	}
	if r.MaxCallers <= 0 {
		r.MaxCallers = DefaultMaxCallers
	}
	r.Burst = max(r.Burst, 1)
	if r.Now == nil {
		r.Now = time.Now
	}
	l := &Limiter{rate: r, forget: r.IdleAfter, buckets: map[string]*list.Element{}, recent: list.New()}
	if r.PerSecond > 0 {
		refill := time.Duration(math.MaxInt64)
		if f := float64(r.Burst) / r.PerSecond * float64(time.Second); f < float64(math.MaxInt64) {
			refill = time.Duration(f)
		}
		l.forget = max(l.forget, refill)
	}
	return l
}

// Allow takes a token from key's bucket. When the bucket is empty it takes nothing and returns
// false and how long until a token will be there.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l.rate.PerSecond <= 0 {
		return true, 0
	}
	now := l.rate.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	b := l.bucket(key, now)
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Duration(math.MaxInt64)
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// Callers is how many callers have a bucket now.
func (l *Limiter) Callers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// bucket returns key's bucket, made full if it has none, as the most recently used; the least
// recently used go beyond MaxCallers.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if e, ok := l.buckets[key]; ok {
		l.recent.MoveToFront(e)
		b := e.Value.(*bucket)
		b.used = now
		return b
	}
	b := &bucket{key: key, lim: rate.NewLimiter(rate.Limit(l.rate.PerSecond), l.rate.Burst), used: now}
	l.buckets[key] = l.recent.PushFront(b)
	for len(l.buckets) > l.rate.MaxCallers {
		l.remove(l.recent.Back())
	}
	return b
}

// forgetIdle drops the buckets unused for l.forget, oldest first.
func (l *Limiter) forgetIdle(now time.Time) {
	for e := l.recent.Back(); e != nil; e = l.recent.Back() {
		if now.Sub(e.Value.(*bucket).used) < l.forget {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.buckets, e.Value.(*bucket).key)
	l.recent.Remove(e)
}

// unlimited reports whether p is never limited.
func (l *Limiter) unlimited(p identity.Principal) bool {
	return l.rate.Unlimited != nil && l.rate.Unlimited(p)
}
