package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// Page sizes of ListVersions.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// ListQuery selects versions.
type ListQuery struct {
	PathwayID string          // empty: every pathway
	Statuses  []domain.Status // empty: every status
	PageSize  int             // 0: DefaultPageSize
	PageToken string
}

// ListVersions returns one page of versions ordered by pathway id then version number, and the
// token of the next page ("" on the last).
func (a *App) ListVersions(ctx context.Context, q ListQuery) ([]domain.Version, string, error) {
	after, size, err := checkList(q)
	if err != nil {
		return nil, "", err
	}
	ids, err := a.listed(ctx, q.PathwayID)
	if err != nil {
		return nil, "", err
	}
	var page []domain.Version
	for _, id := range ids {
		if id < after.id {
			continue
		}
		p, _, _, err := a.load(ctx, id)
		if err != nil {
			return nil, "", err
		}
		for _, v := range p.Versions() {
			if (id == after.id && v.Number <= after.version) || !wanted(q.Statuses, v.Status) {
				continue
			}
			if len(page) == size {
				last := page[len(page)-1]
				return page, encodeToken(last.PathwayID, last.Number), nil
			}
			page = append(page, v)
		}
	}
	return page, "", nil
}

func (a *App) listed(ctx context.Context, id string) ([]string, error) {
	if id != "" {
		p, _, _, err := a.load(ctx, id)
		if err != nil {
			return nil, err
		}
		if !p.Exists() {
			return nil, domain.PathwayNotFound(id)
		}
		return []string{id}, nil
	}
	ids, err := a.repo.PathwayIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list pathways: %w", err)
	}
	return ids, nil
}

func wanted(statuses []domain.Status, s domain.Status) bool {
	return len(statuses) == 0 || slices.Contains(statuses, s)
}

type cursor struct {
	id      string
	version int
}

func checkList(q ListQuery) (cursor, int, error) {
	var vs domain.Violations
	if q.PathwayID != "" {
		checkID(&vs, q.PathwayID)
	}
	size := q.PageSize
	switch {
	case size < 0 || size > MaxPageSize:
		vs.Add("page_size", "must be between 0 and %d, not %d", MaxPageSize, size)
	case size == 0:
		size = DefaultPageSize
	}
	after, ok := decodeToken(q.PageToken)
	if !ok {
		vs.Add("page_token", "is not a token this service returned")
	}
	return after, size, vs.Err()
}

func encodeToken(id string, version int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(id + "/" + strconv.Itoa(version)))
}

func decodeToken(tok string) (cursor, bool) {
	if tok == "" {
		return cursor{}, true
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return cursor{}, false
	}
	id, n, ok := strings.Cut(string(raw), "/")
	version, err := strconv.Atoi(n)
	if !ok || err != nil || !domain.ValidPathwayID(id) || version < 1 {
		return cursor{}, false
	}
	return cursor{id: id, version: version}, true
}
