package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// MaxAccessScan bounds the entries one ListAccess request reads from the trail: a request whose
// filters match few entries returns a short page with a next_page_token rather than reading a
// year of the trail at once.
const MaxAccessScan = 5000

// accessReadBatch is how many entries the audit reads from a day's stream at a time.
const accessReadBatch = 512

// Audit records every access to patients' journeys and lists the record for auditors. Safe for
// concurrent use.
type Audit struct {
	trail AccessTrail
	now   func() time.Time
}

// NewAudit returns the audit over a trail; now is the clock the entries are stamped with.
func NewAudit(t AccessTrail, now func() time.Time) *Audit { return &Audit{trail: t, now: now} }

// Record appends one entry, stamped now (one append to the event store).
func (a *Audit) Record(ctx context.Context, e domain.Access) error {
	if e.At.IsZero() {
		e.At = a.now()
	}
	e.At = e.At.UTC()
	if err := a.trail.Append(ctx, e); err != nil {
		return fmt.Errorf("record access: %w", err)
	}
	return nil
}

// AccessPage is one page of the trail.
type AccessPage struct {
	Entries       []domain.Access
	NextPageToken string
}

// List returns one page of the entries the query asks for, oldest first. It reads the streams
// of the days of the range in turn, at most MaxAccessScan entries per request.
func (a *Audit) List(ctx context.Context, q domain.AccessQuery) (AccessPage, error) {
	now := a.now()
	if err := q.Validate(now); err != nil {
		return AccessPage{}, err
	}
	end := q.End(now)
	at, err := decodeAccessToken(q)
	if err != nil {
		return AccessPage{}, err
	}
	lastDay := dayOf(end.Add(-time.Nanosecond))
	var out []domain.Access
	for budget := MaxAccessScan; !at.day.After(lastDay); {
		if budget <= 0 {
			return AccessPage{Entries: out, NextPageToken: encodeAccessToken(at, q)}, nil
		}
		want := min(accessReadBatch, budget)
		batch, err := a.trail.ReadDay(ctx, at.day, at.pos, want)
		if err != nil {
			return AccessPage{}, fmt.Errorf("list access: %w", err)
		}
		budget -= len(batch)
		for _, r := range batch {
			at.pos = r.Position + 1
			if !q.Matches(r.Access, end) {
				continue
			}
			if out = append(out, r.Access); len(out) == q.PageSize {
				return AccessPage{Entries: out, NextPageToken: encodeAccessToken(at, q)}, nil
			}
		}
		if len(batch) < want {
			at = accessCursor{day: at.day.AddDate(0, 0, 1)}
		}
	}
	return AccessPage{Entries: out}, nil
}

// accessCursor is where a listing goes on: a day (UTC midnight) and a position in its stream.
type accessCursor struct {
	day time.Time
	pos uint64
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// An access page token is "<day>:<position>:<filters' fingerprint>": a token is refused with
// other filters, or a day outside the range.
func encodeAccessToken(c accessCursor, q domain.AccessQuery) string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.day.Format(time.DateOnly) + ":" +
		strconv.FormatUint(c.pos, 10) + ":" + q.Fingerprint()))
}

func decodeAccessToken(q domain.AccessQuery) (accessCursor, error) {
	if q.PageToken == "" {
		return accessCursor{day: dayOf(q.From)}, nil
	}
	bad := domain.Violations{{Field: "page_token", Description: "is not a next_page_token of ListAccess with these filters"}}.Err()
	raw, err := base64.RawURLEncoding.DecodeString(q.PageToken)
	if err != nil {
		return accessCursor{}, bad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[2] != q.Fingerprint() {
		return accessCursor{}, bad
	}
	day, derr := time.Parse(time.DateOnly, parts[0])
	pos, perr := strconv.ParseUint(parts[1], 10, 64)
	if derr != nil || perr != nil || day.Before(dayOf(q.From)) {
		return accessCursor{}, bad
	}
	return accessCursor{day: day, pos: pos}, nil
}
