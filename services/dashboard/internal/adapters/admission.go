package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// applyAdmission records an admission and keeps, for every admission of the journey, the London
// calendar days from its discharge to the next admission that began on or after it (gap_days).
// Whatever order a journey's admissions arrive in, every gap ends up the same. An admission ID
// reported again under another event ID keeps its first report.
func applyAdmission(ctx context.Context, tx *txn, f domain.Fact) error {
	a := f.Admission
	res, err := tx.execResult(ctx, `INSERT INTO admissions (journey_id, admission_id, admitted_at, discharged_at, discharge_day)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		f.JourneyID, a.ID, a.AdmittedAt.Unix(), a.DischargedAt.Unix(), domain.DayNumber(a.DischargedAt))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if err := gapToNext(ctx, tx, f.JourneyID, a); err != nil {
		return err
	}
	return gapsOfEarlier(ctx, tx, f.JourneyID, a)
}

// gapToNext sets the new admission's gap to the earliest other admission beginning on or after
// its discharge.
func gapToNext(ctx context.Context, tx *txn, journey string, a *domain.Admission) error {
	var next sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MIN(admitted_at) FROM admissions WHERE journey_id = ? AND admission_id <> ? AND admitted_at >= ?`,
		journey, a.ID, a.DischargedAt.Unix()).Scan(&next); err != nil {
		return fmt.Errorf("next admission: %w", err)
	}
	if !next.Valid {
		return nil
	}
	gap, _ := domain.ReadmissionGap(a.DischargedAt, time.Unix(next.Int64, 0))
	return tx.exec(ctx, `UPDATE admissions SET gap_days = ? WHERE journey_id = ? AND admission_id = ?`, gap, journey, a.ID)
}

// gapsOfEarlier shortens the gap of every admission discharged on or before the new one began.
func gapsOfEarlier(ctx context.Context, tx *txn, journey string, a *domain.Admission) error {
	earlier, err := dischargedBy(ctx, tx, journey, a)
	if err != nil {
		return err
	}
	for id, discharged := range earlier {
		gap, _ := domain.ReadmissionGap(time.Unix(discharged, 0), a.AdmittedAt)
		if err := tx.exec(ctx, `UPDATE admissions SET gap_days = ? WHERE journey_id = ? AND admission_id = ? AND (gap_days IS NULL OR gap_days > ?)`,
			gap, journey, id, gap); err != nil {
			return err
		}
	}
	return nil
}

// dischargedBy returns the journey's other admissions discharged on or before a began (ID ->
// discharge, Unix seconds).
func dischargedBy(ctx context.Context, tx *txn, journey string, a *domain.Admission) (map[string]int64, error) {
	rows, err := tx.query(ctx, `SELECT admission_id, discharged_at FROM admissions WHERE journey_id = ? AND admission_id <> ? AND discharged_at <= ?`,
		journey, a.ID, a.AdmittedAt.Unix())
	if err != nil {
		return nil, fmt.Errorf("earlier admissions: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var discharged int64
		if err := rows.Scan(&id, &discharged); err != nil {
			return nil, fmt.Errorf("scan earlier admission: %w", err)
		}
		out[id] = discharged
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read earlier admissions: %w", err)
	}
	return out, nil
}
