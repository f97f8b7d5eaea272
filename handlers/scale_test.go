package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// scaleOptions sizes a synthetic database for measuring the summary at scale.
type scaleOptions struct {
	Restaurants int       // each with 20 tables, an owner and covers every day
	Responses   int       // spread evenly over the restaurants and weeks
	Weeks       int       // of history, ending at Now
	Now         time.Time // the end of the history
	// HotWeek adds this many responses to the first restaurant's last
	// complete week: a restaurant far busier than the rest.
	HotWeek int
}

// scaleOwner is the password of every owner seedScale makes
// (owner-NNN@scale.test, owning restaurant scale-NNN).
const scaleOwner = "scale-owner-password"

// seedScale fills the empty database file with synthetic restaurants,
// responses (about one in ten rated 1–2, each raising a handled alert),
// covers and one owner per restaurant. Restaurants, owners and tables go
// through the store; the bulk rows are written over a connection of the
// seeder's own in large transactions. It is for benchmarks: the data is
// random but deterministic. It is test code, not part of the server.
func seedScale(ctx context.Context, file string, o scaleOptions) error {
	db, err := store.Open(ctx, file)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(o.Restaurants), uint64(o.Responses)))
	var rs []store.Restaurant
	var tables [][]int64
	for i := range o.Restaurants {
		r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: fmt.Sprintf("scale-%03d", i), Name: fmt.Sprintf("Scale %03d", i),
			TimeZone: []string{"Europe/London", "America/New_York", "Europe/Berlin", "Australia/Sydney"}[i%4]})
		if err != nil {
			return err
		}
		u, err := db.CreateUser(ctx, fmt.Sprintf("owner-%03d@scale.test", i), fmt.Sprintf("Owner %03d", i), scaleOwner)
		if err != nil {
			return err
		}
		if _, err := db.AddMembership(ctx, u.ID, r.ID, store.RoleOwner); err != nil {
			return err
		}
		if err := db.SetSummarySettings(ctx, r.ID, store.DefaultVoiceRate, []string{"Sam", "Priya"}); err != nil {
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
	if err := db.Close(); err != nil {
		return err
	}

	raw, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	span := time.Duration(o.Weeks) * 7 * 24 * time.Hour
	start := o.Now.Add(-span)
	type row struct {
		r  int
		at time.Time
	}
	rows := make([]row, 0, o.Responses+o.HotWeek)
	for i := range o.Responses {
		rows = append(rows, row{r: i % max(1, o.Restaurants), at: start.Add(time.Duration(rng.Int64N(int64(span))))})
	}
	if o.HotWeek > 0 && len(rs) > 0 {
		w := store.WeekOf(o.Now, rs[0].Location()).Prev()
		for range o.HotWeek {
			rows = append(rows, row{r: 0, at: w.Start.Add(time.Duration(rng.Int64N(int64(w.End.Sub(w.Start)))))})
		}
	}
	praise, complaints := store.Tags(store.Praise), store.Tags(store.Complaint)
	comments := []string{"", "", "", "Lovely evening, Sam was great.", "Priya made our night.", "Waited a long time.", "Cold chips."}
	for len(rows) > 0 {
		n := min(50_000, len(rows))
		err := inTx(ctx, raw, func(tx *sql.Tx) error {
			for _, row := range rows[:n] {
				rating := []int{5, 5, 5, 4, 4, 4, 3, 3, 2, 1}[rng.IntN(10)]
				tag := praise[rng.IntN(len(praise))].Key
				if rating < 4 {
					tag = complaints[rng.IntN(len(complaints))].Key
				}
				t := tables[row.r][rng.IntN(len(tables[row.r]))]
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO responses (public_id, restaurant_id, table_id, rating, comment,
					at_table, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, store.NewToken(), rs[row.r].ID, t,
					rating, comments[rng.IntN(len(comments))], rng.IntN(4) == 0, tag, row.at.UnixMilli()).Scan(&id); err != nil {
					return err
				}
				if rating > 2 {
					continue
				}
				created := row.at.UnixMilli()
				ack := created + 20_000 + rng.Int64N(300_000)
				outcome, amount := store.OutcomeApologised, any(nil)
				if rng.IntN(4) == 0 {
					outcome, amount = store.OutcomeCompedItem, int64(500+rng.IntN(2000))
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (restaurant_id, response_id, table_id, reasons, state,
					created_at, acknowledged_at, resolved_at, outcome, amount_minor)
					VALUES (?, ?, ?, 'low-rating', 'resolved', ?, ?, ?, ?, ?)`,
					rs[row.r].ID, id, t, created, ack, ack+600_000, outcome, amount); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	err = inTx(ctx, raw, func(tx *sql.Tx) error {
		for _, r := range rs {
			for d := start; d.Before(o.Now); d = d.AddDate(0, 0, 1) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO covers (restaurant_id, day, guests) VALUES (?, ?, ?)`,
					r.ID, d.Format(time.DateOnly), 150+rng.IntN(150)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = raw.ExecContext(ctx, `DELETE FROM day_stats; ANALYZE`) // a history written in the past: no day is worked out yet
	return err
}

func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// TestSeedScale builds a small synthetic database and reads a week of it.
func TestSeedScale(t *testing.T) {
	ctx := context.Background()
	file := t.TempDir() + "/scale.db"
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if err := seedScale(ctx, file, scaleOptions{Restaurants: 3, Responses: 3000, Weeks: 8, Now: now, HotWeek: 500}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Restaurants(ctx)
	if err != nil || len(rs) != 3 {
		t.Fatalf("restaurants %d, %v", len(rs), err)
	}
	total := 0
	for _, r := range rs {
		n, _ := db.CountResponses(ctx, r.ID)
		total += n
	}
	if total != 3500 {
		t.Errorf("%d responses, want 3500", total)
	}
	s, err := db.Summary(ctx, rs[:1], "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	if w := s.This; w.Responses < 500 || w.Voiced == 0 || w.Covers == 0 || w.Acknowledged != w.Voiced {
		t.Errorf("the hot week: %d responses, %d voiced, %d covers, %d acknowledged", w.Responses, w.Voiced, w.Covers, w.Acknowledged)
	}
	if !strings.HasPrefix(rs[0].Slug, "scale-") {
		t.Errorf("slug %s", rs[0].Slug)
	}
}
