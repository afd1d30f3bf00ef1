package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
)

// Readmissions implements app.ReadModel: the index admissions discharged in each month, those
// whose window has closed by q.Today (discharge day + days < today) and, of these, those followed
// by the next admission within the window (gap_days <= days).
func (s *Store) Readmissions(ctx context.Context, d app.Dims, b app.Buckets, q app.ReadmissionQuery) ([]app.ReadmissionCounts, error) {
	if len(q.Pathways) == 0 {
		return nil, nil
	}
	cond, args := where(d)
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(q.Pathways)), ", ")
	for _, p := range q.Pathways {
		args = append(args, p)
	}
	closed := "a.discharge_day + " + strconv.Itoa(q.Days) + " < " + strconv.FormatInt(q.Today, 10)
	query := `SELECT ` + monthOf("a.discharged_at", b) + `, COUNT(*), COUNT(CASE WHEN ` + closed + ` THEN 1 END),
		COUNT(CASE WHEN ` + closed + ` AND a.gap_days <= ` + strconv.Itoa(q.Days) + ` THEN 1 END)
	FROM admissions a JOIN journeys j ON j.journey_id = a.journey_id
	WHERE ` + cond + ` AND j.pathway_id IN (` + marks + `)
		AND a.discharged_at >= ` + strconv.FormatInt(b.From(), 10) + ` AND a.discharged_at < ` + strconv.FormatInt(b.To(), 10) + `
	GROUP BY 1`
	var out []app.ReadmissionCounts
	err := s.each(ctx, query, args, func(rows *sql.Rows) error {
		var r app.ReadmissionCounts
		if err := rows.Scan(&r.Month, &r.Index, &r.Closed, &r.Readmitted); err != nil {
			return fmt.Errorf("scan readmissions: %w", err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}
