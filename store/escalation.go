package store

import (
	"context"
	"time"
)

// MaxEscalationSteps bounds how often an alert nobody takes is announced
// again: with the default threshold of 3 minutes, the last step comes 54
// minutes after the alert.
const MaxEscalationSteps = 8

// Audience is who hears of an escalation step.
type Audience int

// The audiences of the ladder, each wider than the one before.
const (
	AudienceManagers Audience = iota + 1 // every manager on duty, told again
	AudienceOwners                       // the owners
	AudienceEveryone                     // every member of staff
)

// Rung is one step of the escalation ladder.
type Rung struct {
	Step int
	// After is when the step falls due after the alert was raised, in
	// multiples of the restaurant's threshold (its escalate-after time).
	After    int
	Audience Audience
	// Email: owners with no phone subscribed are emailed at this step.
	Email bool
}

// ladder is the escalation ladder, the one table that escalation, each
// person's notification preferences, the notifier and the floor's label
// read (through EscalationRung):
//
//	step 1 at t:   every manager on duty is told again
//	step 2 at 2t:  the owners are told
//	step 3 at 3t:  everyone; owners with no phone are emailed
//	step s ≥ 4 at 3t·(s−2): everyone again, up to MaxEscalationSteps
var ladder = []Rung{
	{Step: 1, After: 1, Audience: AudienceManagers},
	{Step: 2, After: 2, Audience: AudienceOwners},
	{Step: 3, After: 3, Audience: AudienceEveryone, Email: true},
}

// EscalationRung is step's rung of the ladder; past the table, everyone is
// told again at ever longer gaps, and nobody emailed.
func EscalationRung(step int) Rung {
	if step >= 1 && step <= len(ladder) {
		return ladder[step-1]
	}
	return Rung{Step: step, After: 3 * (step - 2), Audience: AudienceEveryone}
}

// EscalationAt is when, after an alert was raised, its escalation step falls
// due, for a restaurant whose threshold is t.
func EscalationAt(step int, t time.Duration) time.Duration {
	return time.Duration(EscalationRung(step).After) * t
}

// dueStep is the furthest escalation step due at age for an alert already
// at step (0 if none is due): an alert found long overdue, after a restart,
// jumps to its step rather than sending every one before it.
func dueStep(step int, age, t time.Duration) int {
	due := 0
	for s := step + 1; s <= MaxEscalationSteps && EscalationAt(s, t) <= age; s++ {
		due = s
	}
	return due
}

// EscalateDue takes every open alert to the escalation step due at now, each
// step an event ("escalated", with its step), and marks follow-ups whose time
// has come with a "follow-up-due" event. It reports how many events it made.
// The escalation ticker calls it; tests call it with a clock of their own.
func (db *DB) EscalateDue(ctx context.Context, now time.Time) (int, error) {
	ms := now.UnixMilli()
	var made []Notice
	err := db.writeEvents(ctx, func(ctx context.Context, tx *Tx) ([]Notice, error) {
		type open struct {
			id, restaurantID, created, thresholdS int64
			step                                  int
		}
		var alerts []open
		err := tx.each(ctx, `SELECT a.id, a.restaurant_id, a.created_at, a.escalation_step, r.escalate_after_s
			FROM alerts a JOIN restaurants r ON r.id = a.restaurant_id
			WHERE a.state = 'open' AND a.escalation_step < ? ORDER BY a.restaurant_id, a.id`, []any{MaxEscalationSteps}, func(row rowScanner) error {
			var a open
			err := row.Scan(&a.id, &a.restaurantID, &a.created, &a.step, &a.thresholdS)
			alerts = append(alerts, a)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, a := range alerts {
			step := dueStep(a.step, time.Duration(ms-a.created)*time.Millisecond, time.Duration(a.thresholdS)*time.Second)
			if step == 0 {
				continue
			}
			// Conditional on the step read: of two instances scanning at once,
			// one escalates and the other finds it done.
			res, err := tx.ExecContext(ctx, `UPDATE alerts SET escalation_step = ?, escalated_at = coalesce(escalated_at, ?)
				WHERE id = ? AND state = 'open' AND escalation_step = ?`, step, ms, a.id, a.step)
			if err != nil {
				return nil, err
			}
			if changed, _ := res.RowsAffected(); changed == 0 {
				continue
			}
			n, err := db.insertEvent(ctx, tx, a.restaurantID, a.id, EventEscalated, ms, step)
			if err != nil {
				return nil, err
			}
			made = append(made, n)
		}
		due, err := tx.QueryContext(ctx, `UPDATE alerts SET follow_up_due_at = ?
			WHERE outcome = 'follow-up' AND follow_up_done_at IS NULL AND follow_up_due_at IS NULL AND follow_up_at <= ?
			RETURNING id, restaurant_id`, ms, ms)
		if err != nil {
			return nil, err
		}
		var followUps []Notice
		for due.Next() {
			var n Notice
			if err := due.Scan(&n.AlertID, &n.RestaurantID); err != nil {
				due.Close()
				return nil, err
			}
			followUps = append(followUps, n)
		}
		due.Close()
		if err := due.Err(); err != nil {
			return nil, err
		}
		for _, f := range followUps {
			n, err := db.insertEvent(ctx, tx, f.RestaurantID, f.AlertID, EventFollowUpDue, ms, 0)
			if err != nil {
				return nil, err
			}
			made = append(made, n)
		}
		return made, nil
	})
	return len(made), err
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
