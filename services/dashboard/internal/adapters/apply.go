package adapters

import (
	"bytes"
	"context"
	"fmt"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// Apply applies facts in one transaction with their event IDs. A fact whose ID was applied
// before with the same digest is skipped and reported as a duplicate; one with another digest
// fails the whole call with domain.ErrReusedEventID and changes nothing. On PostgreSQL it holds
// the locks of the facts' journeys while it applies them, and runs again after a serialization
// failure or deadlock (postgres.go).
func (s *Store) Apply(ctx context.Context, facts ...domain.Fact) (duplicate []bool, err error) {
	if len(facts) == 0 {
		return nil, nil
	}
	err = s.inTx(ctx, "apply", func(tx *txn) error {
		if err := tx.lockJourneys(ctx, facts); err != nil {
			return err
		}
		duplicate = make([]bool, len(facts))
		changed := false
		for i, f := range facts {
			var err error
			if duplicate[i], err = applyOne(ctx, tx, f); err != nil {
				return err
			}
			changed = changed || !duplicate[i]
		}
		if changed {
			return tx.notifyChanged(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return duplicate, nil
}

// applyOne records the fact's event ID and applies it, or reports it a duplicate. The insert
// comes first: a concurrent transaction recording the same ID makes it wait until that one
// commits (then the ID is found) or rolls back (then this one records it).
func applyOne(ctx context.Context, tx *txn, f domain.Fact) (bool, error) {
	digest := f.Digest()
	res, err := tx.execResult(ctx, `INSERT INTO applied (event_id, digest) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING`, f.EventID, digest)
	if err != nil {
		return false, fmt.Errorf("record event %s: %w", f.EventID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record event %s: %w", f.EventID, err)
	}
	if n == 0 {
		var stored []byte
		if err := tx.queryRow(ctx, `SELECT digest FROM applied WHERE event_id = ?`, f.EventID).Scan(&stored); err != nil {
			return false, fmt.Errorf("look up event %s: %w", f.EventID, err)
		}
		if !bytes.Equal(stored, digest) {
			return false, fmt.Errorf("event %s: %w", f.EventID, domain.ErrReusedEventID)
		}
		return true, nil
	}
	if err := applyFact(ctx, tx, f); err != nil {
		return false, fmt.Errorf("apply %s fact %s: %w", f.Kind, f.EventID, err)
	}
	return false, nil
}

func applyFact(ctx context.Context, tx *txn, f domain.Fact) error {
	at := f.OccurredAt.Unix()
	if err := tx.exec(ctx, `INSERT INTO journeys (journey_id, pathway_id, version, pcn, segment) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (journey_id) DO UPDATE SET version = excluded.version`,
		f.JourneyID, f.PathwayID, f.Version, f.PCN, int32(f.Segment)); err != nil {
		return err
	}
	switch f.Kind {
	case domain.KindReferral:
		return tx.exec(ctx, `UPDATE journeys SET referred_at = ? WHERE journey_id = ?`, f.Referral.ReferredAt.Unix(), f.JourneyID)
	case domain.KindTriage:
		return applyTriage(ctx, tx, f, at)
	case domain.KindIntervention:
		return applyIntervention(ctx, tx, f, at)
	case domain.KindOutcome:
		return applyScores(ctx, tx, f.JourneyID, f.Outcome.Point, f.Outcome.Scores, at)
	case domain.KindDischarge:
		return tx.exec(ctx, `UPDATE journeys SET discharged_at = ? WHERE journey_id = ?`, at, f.JourneyID)
	case domain.KindCancellation:
		return tx.exec(ctx, `UPDATE journeys SET cancelled_at = ? WHERE journey_id = ?`, at, f.JourneyID)
	case domain.KindRTT:
		return applyRTT(ctx, tx, f, at)
	case domain.KindAdmission:
		return applyAdmission(ctx, tx, f)
	}
	return fmt.Errorf("unknown fact kind %q", f.Kind)
}

func applyTriage(ctx context.Context, tx *txn, f domain.Fact, at int64) error {
	t := f.Triage
	if t.Breached {
		if err := tx.exec(ctx, `UPDATE journeys SET triage_breached = 1 WHERE journey_id = ?`, f.JourneyID); err != nil {
			return err
		}
	}
	if !t.Completed {
		return nil
	}
	if err := tx.exec(ctx, `UPDATE journeys SET triaged_at = ? WHERE journey_id = ?`, at, f.JourneyID); err != nil {
		return err
	}
	return applyScores(ctx, tx, f.JourneyID, domain.BaselinePoint, t.Baseline, at)
}

func applyIntervention(ctx context.Context, tx *txn, f domain.Fact, at int64) error {
	iv := f.Intervention
	if err := tx.exec(ctx, `INSERT INTO interventions (journey_id, intervention_id, code, provider) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, f.JourneyID, iv.ID, iv.Code, iv.Provider); err != nil {
		return err
	}
	switch iv.Status {
	case domain.InterventionScheduled:
		return tx.exec(ctx, `UPDATE interventions SET scheduled_at = ? WHERE journey_id = ? AND intervention_id = ?`, at, f.JourneyID, iv.ID)
	case domain.InterventionCompleted:
		return tx.exec(ctx, `UPDATE interventions SET completed_at = ?, price_pence = ?, provider = ? WHERE journey_id = ? AND intervention_id = ?`,
			at, iv.UnitPricePence, iv.Provider, f.JourneyID, iv.ID)
	case domain.InterventionDidNotAttend:
		return tx.exec(ctx, `UPDATE interventions SET dna_at = ? WHERE journey_id = ? AND intervention_id = ?`, at, f.JourneyID, iv.ID)
	case domain.InterventionStarted:
		// no figure counts starts: the row above records the intervention exists
	}
	return nil
}

func applyRTT(ctx context.Context, tx *txn, f domain.Fact, at int64) error {
	started := f.RTT.StartedAt.Unix()
	switch f.RTT.Status {
	case domain.RTTStarted, domain.RTTBreached:
		return tx.exec(ctx, `INSERT INTO rtt_clocks (journey_id, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, f.JourneyID, started)
	case domain.RTTStopped, domain.RTTNullified:
		return tx.exec(ctx, `INSERT INTO rtt_clocks (journey_id, started_at, ended_at) VALUES (?, ?, ?)
			ON CONFLICT (journey_id, started_at) DO UPDATE SET ended_at = excluded.ended_at`, f.JourneyID, started, at)
	}
	return nil
}

// applyScores keeps, per journey and measure, the first baseline and the latest later score.
func applyScores(ctx context.Context, tx *txn, journey, point string, scores []domain.Score, at int64) error {
	for _, s := range scores {
		var err error
		if point == domain.BaselinePoint {
			err = tx.exec(ctx, `INSERT INTO measure_pairs (journey_id, measure, baseline, baseline_scale) VALUES (?, ?, ?, ?)
				ON CONFLICT (journey_id, measure) DO UPDATE SET baseline = excluded.baseline, baseline_scale = excluded.baseline_scale
				WHERE measure_pairs.baseline IS NULL`,
				journey, s.Measure, s.Value, s.Scale)
		} else {
			err = tx.exec(ctx, `INSERT INTO measure_pairs (journey_id, measure, latest, latest_scale, latest_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (journey_id, measure) DO UPDATE SET latest = excluded.latest, latest_scale = excluded.latest_scale, latest_at = excluded.latest_at
				WHERE measure_pairs.latest_at IS NULL OR measure_pairs.latest_at <= excluded.latest_at`,
				journey, s.Measure, s.Value, s.Scale, at)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
