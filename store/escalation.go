package store

import (
	"context"
	"time"
)

// EscalateDue escalates every open alert older than its restaurant's threshold
// at now, once, and reports how many it escalated. The escalation ticker calls
// it; tests call it with a clock of their own.
func (db *DB) EscalateDue(ctx context.Context, now time.Time) (int, error) {
	ms := now.UnixMilli()
	var due []Notice
	err := db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		rows, err := tx.QueryContext(ctx, `UPDATE alerts SET escalated_at = ?
			WHERE state = 'open' AND escalated_at IS NULL
			AND created_at <= ? - 1000 * (SELECT escalate_after_s FROM restaurants WHERE id = alerts.restaurant_id)
			RETURNING id, restaurant_id`, ms, ms)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p Notice
			if err := rows.Scan(&p.AlertID, &p.RestaurantID); err != nil {
				rows.Close()
				return nil, err
			}
			due = append(due, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i, p := range due {
			if due[i], err = db.insertEvent(ctx, tx, p.RestaurantID, p.AlertID, "escalated", ms); err != nil {
				return nil, err
			}
		}
		return due, nil
	})
	if err != nil {
		return 0, err
	}
	return len(due), nil
}

// RunEscalation escalates due alerts every interval until ctx ends, reading
// the time from now (time.Now in production, a test's clock in tests).
func (db *DB) RunEscalation(ctx context.Context, every time.Duration, now func() time.Time, log func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.EscalateDue(ctx, now()); err != nil && ctx.Err() == nil {
				log(err)
			}
		}
	}
}
