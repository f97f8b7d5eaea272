package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ScaleOptions sizes a synthetic database for measuring the summary at scale.
type ScaleOptions struct {
	Restaurants int       // each with 20 tables, an owner and a year's covers
	Responses   int       // spread evenly over the restaurants and weeks
	Weeks       int       // of history, ending at Now
	Now         time.Time // the end of the history
	// HotWeek adds this many responses to the first restaurant's last
	// complete week: a restaurant far busier than the rest.
	HotWeek int
}

// ScaleOwner is the password of every owner SeedScale makes
// (owner-NNN@scale.test, owning restaurant scale-NNN).
const ScaleOwner = "scale-owner-password"

// SeedScale fills an empty database with synthetic restaurants, responses
// (about one in ten rated 1–2, each raising a handled alert), covers and one
// owner per restaurant, in large transactions. It is for benchmarks: the data
// is random but deterministic.
func (db *DB) SeedScale(ctx context.Context, o ScaleOptions) error {
	rng := rand.New(rand.NewPCG(uint64(o.Restaurants), uint64(o.Responses)))
	var rs []Restaurant
	var tables [][]int64
	for i := range o.Restaurants {
		r, err := db.CreateRestaurant(ctx, Restaurant{Slug: fmt.Sprintf("scale-%03d", i), Name: fmt.Sprintf("Scale %03d", i),
			TimeZone: []string{"Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney"}[i%4]})
		if err != nil {
			return err
		}
		u, err := db.CreateUser(ctx, fmt.Sprintf("owner-%03d@scale.test", i), fmt.Sprintf("Owner %03d", i), ScaleOwner)
		if err != nil {
			return err
		}
		if _, err := db.AddMembership(ctx, u.ID, r.ID, RoleOwner); err != nil {
			return err
		}
		if err := db.SetSummarySettings(ctx, r.ID, DefaultVoiceRate, []string{"Sam", "Priya"}); err != nil {
			return err
		}
		var ids []int64
		for j := range 20 {
			t, err := db.CreateTable(ctx, r.ID, fmt.Sprintf("Table %d", j+1))
			if err != nil {
				return err
			}
			ids = append(ids, t.ID)
		}
		rs, tables = append(rs, r), append(tables, ids)
	}
	span := time.Duration(o.Weeks) * 7 * 24 * time.Hour
	start := o.Now.Add(-span)
	at := func() time.Time { return start.Add(time.Duration(rng.Int64N(int64(span)))) }
	rows := make([]scaleRow, 0, o.Responses+o.HotWeek)
	for i := range o.Responses {
		rows = append(rows, scaleRow{r: i % max(1, o.Restaurants), at: at()})
	}
	if o.HotWeek > 0 && len(rs) > 0 {
		w := WeekOf(o.Now, rs[0].Location()).Prev()
		for range o.HotWeek {
			rows = append(rows, scaleRow{r: 0, at: w.Start.Add(time.Duration(rng.Int64N(int64(w.End.Sub(w.Start)))))})
		}
	}
	const batch = 50_000
	for len(rows) > 0 {
		n := min(batch, len(rows))
		if err := db.seedScaleBatch(ctx, rng, rs, tables, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	var days []DayCovers
	for d := start; d.Before(o.Now); d = d.AddDate(0, 0, 1) {
		days = append(days, DayCovers{Day: d, Guests: 150 + rng.IntN(150)})
	}
	for _, r := range rs {
		if err := db.setCovers(ctx, r.ID, days, nil); err != nil {
			return err
		}
	}
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return dbError(err)
}

// scaleRow is one response to make: its restaurant (an index) and time.
type scaleRow struct {
	r  int
	at time.Time
}

func (db *DB) seedScaleBatch(ctx context.Context, rng *rand.Rand, rs []Restaurant, tables [][]int64, rows []scaleRow) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer tx.Rollback()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO responses (public_id, restaurant_id, table_id, rating, comment, at_table, tags, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return dbError(err)
	}
	defer insert.Close()
	alert, err := tx.PrepareContext(ctx, `INSERT INTO alerts (restaurant_id, response_id, table_id, reasons, state, created_at,
			acknowledged_at, resolved_at, outcome, amount_minor)
		VALUES (?, ?, ?, 'low-rating', 'resolved', ?, ?, ?, ?, ?)`)
	if err != nil {
		return dbError(err)
	}
	defer alert.Close()
	praise, complaints := Tags(Praise), Tags(Complaint)
	comments := []string{"", "", "", "Lovely evening, Sam was great.", "Priya made our night.", "Waited a long time.", "Cold chips."}
	for _, row := range rows {
		rating := []int{5, 5, 5, 4, 4, 4, 3, 3, 2, 1}[rng.IntN(10)]
		var tags []string
		if rating >= 4 {
			tags = append(tags, praise[rng.IntN(len(praise))].Key)
		} else {
			tags = append(tags, complaints[rng.IntN(len(complaints))].Key)
		}
		t := tables[row.r][rng.IntN(len(tables[row.r]))]
		var id int64
		err := insert.QueryRowContext(ctx, NewToken(), rs[row.r].ID, t, rating, comments[rng.IntN(len(comments))],
			rng.IntN(4) == 0, strings.Join(tags, " "), row.at.UnixMilli()).Scan(&id)
		if err != nil {
			return dbError(err)
		}
		if rating <= 2 {
			created := row.at.UnixMilli()
			ack := created + 20_000 + rng.Int64N(300_000)
			outcome, cents := OutcomeApologised, any(nil)
			if rng.IntN(4) == 0 {
				outcome, cents = OutcomeCompedItem, int64(500+rng.IntN(2000))
			}
			if _, err := alert.ExecContext(ctx, rs[row.r].ID, id, t, created, ack, ack+600_000, outcome, cents); err != nil {
				return dbError(err)
			}
		}
	}
	return dbError(tx.Commit())
}
