package store

import (
	"context"
	"slices"
	"time"
)

// onTimeGrace is how late a follow-up may be done and still be on time.
const onTimeGrace = 15 * time.Minute

// Recovery is how the floor answered calls in one daypart of a period:
// how many, how fast someone said "On my way", how many complaints were put
// right while the guest was there, what was given back, and the follow-ups
// promised and kept on time.
type Recovery struct {
	Daypart         Daypart
	Alerts          int // every call, requests too
	Complaints      int // the complaint alerts among them (not requests)
	ResolvedPresent int // complaints resolved while the guest was there
	Comps           []Comps
	FollowUps       int
	FollowUpsOnTime int
	acks
}

// acks are how long calls waited for "On my way": a Recovery's or a
// TeamLine's.
type acks []time.Duration

// add counts a call made at created and acknowledged at acked (Unix
// milliseconds, 0 if it was not).
func (a *acks) add(created, acked int64) {
	if acked > 0 {
		*a = append(*a, time.Duration(max(0, acked-created))*time.Millisecond)
	}
}

// AckMedian is the median time to "On my way", and false without any.
func (a acks) AckMedian() (time.Duration, bool) {
	if len(a) == 0 {
		return 0, false
	}
	return Quantile(slices.Clone(a), 0.5), true
}

// recoverySQL reads a week's alerts for Recovery, along the restaurant's
// created index.
const recoverySQL = `SELECT created_at, reasons = '` + ReasonAsked + `', coalesce(acknowledged_at, 0), resolved_at IS NOT NULL,
		coalesce(outcome, ''), coalesce(amount_minor, 0), coalesce(follow_up_at, 0), coalesce(follow_up_done_at, 0)
	FROM alerts WHERE restaurant_id = ? AND created_at >= ? AND created_at < ?`

// recovery is restaurant r's week w by daypart, in the order of a day,
// every daypart listed (those without a call at zero).
func (db *DB) recovery(ctx context.Context, r Restaurant, w Week) ([]Recovery, error) {
	out := make([]Recovery, len(Dayparts))
	for i, p := range Dayparts {
		out[i].Daypart = p
	}
	loc := r.Location()
	err := db.each(ctx, recoverySQL, []any{r.ID, w.Start.UnixMilli(), w.End.UnixMilli()}, func(row rowScanner) error {
		var created, acked, amount, followAt, followDone int64
		var request, resolved bool
		var outcome string
		if err := row.Scan(&created, &request, &acked, &resolved, &outcome, &amount, &followAt, &followDone); err != nil {
			return err
		}
		part := DaypartOf(time.UnixMilli(created), loc)
		rc := &out[indexOfDaypart(part)]
		rc.Alerts++
		rc.acks.add(created, acked)
		if !request {
			rc.Complaints++
			if resolved && OutcomeGuestPresent(outcome) {
				rc.ResolvedPresent++
			}
		}
		if OutcomeNeedsAmount(outcome) {
			rc.Comps = addComps(rc.Comps, Comps{Count: 1, Total: Money{Minor: amount, Currency: r.Currency}})
		}
		if outcome == OutcomeFollowUp && followAt > 0 {
			rc.FollowUps++
			if followDone > 0 && followDone <= followAt+onTimeGrace.Milliseconds() {
				rc.FollowUpsOnTime++
			}
		}
		return nil
	})
	return out, err
}

func indexOfDaypart(p Daypart) int {
	for i, q := range Dayparts {
		if q == p {
			return i
		}
	}
	return len(Dayparts) - 1
}

// addRecovery adds one restaurant's dayparts to a sum (nil: none yet),
// sharing nothing with from.
func addRecovery(to, from []Recovery) []Recovery {
	if to == nil {
		to = make([]Recovery, len(Dayparts))
		for i, p := range Dayparts {
			to[i].Daypart = p
		}
	}
	for i := range to {
		f := from[i]
		to[i].Alerts += f.Alerts
		to[i].Complaints += f.Complaints
		to[i].ResolvedPresent += f.ResolvedPresent
		to[i].FollowUps += f.FollowUps
		to[i].FollowUpsOnTime += f.FollowUpsOnTime
		to[i].acks = append(to[i].acks, f.acks...)
		for _, c := range f.Comps {
			to[i].Comps = addComps(to[i].Comps, c)
		}
	}
	return to
}
