package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The demo restaurant and its logins, as the README documents them. They exist
// only when the server runs with -demo.
const (
	DemoSlug            = "demo"
	DemoOwnerEmail      = "owner@demo.test"
	DemoOwnerPassword   = "demo-owner"
	DemoManagerEmail    = "manager@demo.test"
	DemoManagerPassword = "demo-manager"
	demoWeeks           = 8
)

// SeedDemo fills an empty database with Demo Bistro: 12 tables, the two demo
// logins, and eight weeks of history up to now. The history is deterministic
// (a fixed random seed), so the same now gives the same ratings, tags and
// comments. On a database that has any restaurant it does nothing and reports
// seeded=false. It is one transaction: a crash while seeding leaves nothing,
// and the next start seeds again.
func (db *DB) SeedDemo(ctx context.Context, now time.Time) (seeded bool, err error) {
	err = db.update(ctx, func(tx *Tx) error {
		if err := tx.lockGlobal(ctx); err != nil { // instances starting together seed once
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM restaurants`).Scan(&n); err != nil || n > 0 {
			return err
		}
		r, err := db.createRestaurant(ctx, tx, Restaurant{Slug: DemoSlug, Name: "Demo Bistro", TimeZone: "Europe/London", Currency: "GBP", Country: "GB",
			Languages: DinerLanguages})
		if err != nil {
			return err
		}
		owner, err := db.createUser(ctx, tx, DemoOwnerEmail, "Alex Morgan", DemoOwnerPassword)
		if err != nil {
			return err
		}
		manager, err := db.createUser(ctx, tx, DemoManagerEmail, "Sam Patel", DemoManagerPassword)
		if err != nil {
			return err
		}
		if _, err := addMembership(ctx, tx, owner.ID, r.ID, RoleOwner, ""); err != nil {
			return err
		}
		if _, err := addMembership(ctx, tx, manager.ID, r.ID, RoleManager, ""); err != nil {
			return err
		}
		if err := setSummarySettings(ctx, tx, r.ID, DefaultVoiceRate, []string{"Sam", "Priya", "Tom", "Jo"}); err != nil {
			return err
		}
		seeded = true
		if err := db.seedHistory(ctx, tx, r, now, []int64{manager.ID, manager.ID, owner.ID}, manager.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM day_stats`) // a history written in the past
		return err
	})
	return seeded && err == nil, err
}

// seedHistory writes the tables in two sections, who served them, the
// covers, responses and the alerts they raised, handled by staff, in tx.
// The last complete week, the terrace was slow at dinner: "This week" of a
// fresh demo names that daypart and that section first.
func (db *DB) seedHistory(ctx context.Context, tx *Tx, r Restaurant, now time.Time, staff []int64, manager int64) error {
	loc := r.Location()
	today := now.In(loc)
	start := time.Date(today.Year(), today.Month(), today.Day()-7*demoWeeks, 0, 0, 0, 0, loc)
	sections := map[string]int64{}
	for _, s := range []struct {
		name   string
		people []string
	}{{"Dining room", []string{"Priya", "Sam"}}, {"Terrace", []string{"Jo", "Tom"}}} {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sections (restaurant_id, name, created_at) VALUES (?, ?, ?) RETURNING id`,
			r.ID, s.name, start.UnixMilli()).Scan(&id); err != nil {
			return dbError(err)
		}
		sections[s.name] = id
		for _, p := range s.people {
			if _, err := tx.ExecContext(ctx, `INSERT INTO shifts (restaurant_id, section_id, person, from_at, set_by) VALUES (?, ?, ?, ?, ?)`,
				r.ID, id, p, start.UnixMilli(), manager); err != nil {
				return dbError(err)
			}
		}
	}
	var tables, terrace []Table
	for i := 1; i <= 12; i++ {
		label, section := fmt.Sprintf("Table %d", i), sections["Dining room"]
		if i > 10 {
			label, section = fmt.Sprintf("Terrace %d", i-10), sections["Terrace"]
		}
		t := Table{RestaurantID: r.ID, Label: label, Token: NewToken(), Active: true}
		if err := insertTable(ctx, tx, &t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tables SET section_id = ? WHERE id = ?`, section, t.ID); err != nil {
			return dbError(err)
		}
		tables = append(tables, t)
		if i > 10 {
			terrace = append(terrace, t)
		}
	}
	slowWeek := WeekOf(now, loc).Prev()

	insert := tx.StmtContext(ctx, db.stmt.insertResponse)
	rng := rand.New(rand.NewPCG(2026, 11))
	// respond stores a guest's answer at, and the alert it raised as the
	// floor handled it.
	respond := func(in NewResponse, at time.Time) error {
		id, _, err := insertResponse(ctx, insert, in, db.receiptID(in.TableToken, in.IdempotencyKey), at.UnixMilli())
		if err != nil {
			return dbError(err)
		}
		if reasons := r.Rules.Reasons(in.Rating, in.Tags, in.AtTable); len(reasons) > 0 {
			return demoAlert(ctx, tx.Tx, rng, r.ID, id, 0, strings.Join(reasons, " "), in, at, now, staff)
		}
		return nil
	}
	for day := start; !day.After(today); day = day.AddDate(0, 0, 1) {
		guests := demoCovers[day.Weekday()] + rng.IntN(30) - 15
		if _, err := tx.ExecContext(ctx, `INSERT INTO covers (restaurant_id, day, guests) VALUES (?, ?, ?)`,
			r.ID, day.Format(time.DateOnly), guests); err != nil {
			return dbError(err)
		}
		// Between one in eight and one in five guests answers.
		answers := guests * (12 + rng.IntN(9)) / 100
		for range answers {
			at := demoServiceTime(rng, day)
			if at.After(now) {
				continue
			}
			if err := respond(demoResponse(rng, day, tables), at); err != nil {
				return err
			}
		}
		// The slow week on the terrace: guests at dinner waited too long.
		if !day.Before(slowWeek.Start) && day.Before(slowWeek.End) {
			for range 3 {
				at := day.Add(19*time.Hour + time.Duration(rng.IntN(150))*time.Minute)
				in := NewResponse{TableToken: terrace[rng.IntN(len(terrace))].Token, IdempotencyKey: NewFormKey(day),
					Rating: 2, Tags: []string{"slow"}, Comment: "Waited 40 minutes for our mains.", Language: "en", AtTable: rng.IntN(3) == 0}
				if err := respond(in, at); err != nil {
					return err
				}
			}
		}
		// Now and then a guest tells a manager instead.
		if rng.IntN(7) < 2 {
			at := demoServiceTime(rng, day)
			if at.Before(now) {
				t := tables[rng.IntN(len(tables))]
				in := NewResponse{Tags: pickTags(rng, demoComplaintTags, 1), Comment: demoComplaints[rng.IntN(len(demoComplaints))]}
				if err := demoAlert(ctx, tx.Tx, rng, r.ID, 0, t.ID, ReasonInPerson, in, at, now, staff); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoAlert records an alert as the floor would have handled it: most are
// acknowledged within three minutes and resolved at the table, some waited
// too long, a few guests had gone.
func demoAlert(ctx context.Context, tx *sql.Tx, rng *rand.Rand, restaurantID, responseID, tableID int64, reasons string,
	in NewResponse, at, now time.Time, staff []int64) error {
	ack := at.Add(time.Duration(20+rng.IntN(160)) * time.Second)
	if rng.IntN(10) == 0 {
		ack = at.Add(time.Duration(3*60+rng.IntN(420)) * time.Second) // a busy moment
	}
	var escalated any
	if ack.Sub(at) > 3*time.Minute {
		escalated = at.Add(3 * time.Minute).UnixMilli()
	}
	resolved := ack.Add(time.Duration(2+rng.IntN(12)) * time.Minute)
	who := staff[rng.IntN(len(staff))]
	outcome := Outcomes[pickWeighted(rng, []int{40, 20, 14, 8, 7, 5, 6})]
	var amount, followUp, followUpDone any
	contact, note := "", ""
	switch outcome {
	case OutcomeCompedItem:
		amount = int64(450 + 50*rng.IntN(28))
		note = "Took it off the bill"
	case OutcomeCompedBill:
		amount = int64(2800 + 100*rng.IntN(90))
		note = "Bill on us, apologised in person"
	case OutcomeDiscount:
		amount = int64(500 + 100*rng.IntN(15))
	case OutcomeFollowUp:
		due := at.Add(time.Duration(24+rng.IntN(72)) * time.Hour)
		followUp = due.UnixMilli()
		// Calls made on time, but for the odd one a busy week let slip.
		if due.Before(now) && rng.IntN(6) > 0 {
			followUpDone = due.Add(time.Duration(rng.IntN(90)) * time.Minute).UnixMilli()
		}
		contact = in.Contact
		if contact == "" {
			contact = fmt.Sprintf("07700 900%03d", rng.IntN(1000))
		}
		note = "Chef to call back about the allergen menu"
	case OutcomeReplaced:
		note = "New plate out in 8 minutes"
	}
	var doneBy any // who marked the follow-up done, if it was
	if followUpDone != nil {
		doneBy = who
	}
	var response, table, loggedBy any = responseID, nil, nil
	if responseID == 0 {
		response, table, loggedBy = nil, tableID, who
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO alerts (restaurant_id, response_id, table_id, reasons, note, tags, logged_by,
			state, created_at, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by,
			outcome, amount_minor, follow_up_at, follow_up_contact, resolution_note, follow_up_done_at, follow_up_done_by, section_id)
		SELECT ?, ?, coalesce(?, (SELECT table_id FROM responses WHERE id = ?)), ?, ?, ?, ?,
			'resolved', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			(SELECT section_id FROM tables WHERE id = coalesce(?, (SELECT table_id FROM responses WHERE id = ?)))`,
		restaurantID, response, table, responseID, reasons, in.Comment, strings.Join(in.Tags, " "), loggedBy,
		at.UnixMilli(), escalated, ack.UnixMilli(), who, resolved.UnixMilli(), who,
		outcome, amount, followUp, contact, note, followUpDone, doneBy, table, responseID)
	return dbError(err)
}

// Guests served on a typical day, Sunday first.
var demoCovers = [7]int{130, 70, 80, 90, 110, 160, 180}

// demoServiceTime picks a moment in lunch (12:00–14:30) or dinner (18:00–22:00).
func demoServiceTime(rng *rand.Rand, day time.Time) time.Time {
	if rng.IntN(100) < 35 {
		return day.Add(12*time.Hour + time.Duration(rng.IntN(150))*time.Minute)
	}
	return day.Add(18*time.Hour + time.Duration(rng.IntN(240))*time.Minute)
}

// demoResponse invents one plausible response. The kitchen had a bad fortnight
// three to four weeks ago (cold food, slow service), so the trend has a dip.
func demoResponse(rng *rand.Rand, day time.Time, tables []Table) NewResponse {
	weights := [5]int{5, 7, 12, 30, 46}
	if _, week := day.ISOWeek(); week%8 == 3 || week%8 == 4 {
		weights = [5]int{9, 12, 16, 28, 35}
	}
	rating := pickWeighted(rng, weights[:]) + 1
	in := NewResponse{
		TableToken:     tables[rng.IntN(len(tables))].Token,
		IdempotencyKey: NewFormKey(day),
		Rating:         rating,
		Language:       "en",
	}
	if rng.IntN(10) == 0 {
		in.Language = []string{"fr", "de", "es", "it"}[rng.IntN(4)]
	}
	switch {
	case rating >= 4:
		in.Tags = pickTags(rng, Tags(Praise), rng.IntN(3))
		if rng.IntN(100) < 40 {
			in.Comment = demoPraise[rng.IntN(len(demoPraise))]
		}
	case rating == 3:
		in.Tags = append(pickTags(rng, Tags(Praise), rng.IntN(2)), pickTags(rng, demoComplaintTags, 1)...)
		if rng.IntN(100) < 35 {
			in.Comment = demoMixed[rng.IntN(len(demoMixed))]
		}
		in.AtTable = rng.IntN(100) < 8
	default:
		in.Tags = pickTags(rng, demoComplaintTags, 1+rng.IntN(2))
		if rng.IntN(100) < 4 {
			in.Tags = append(in.Tags, []string{"foreign-object", "allergy"}[rng.IntN(2)])
		}
		if rng.IntN(100) < 70 {
			in.Comment = demoComplaints[rng.IntN(len(demoComplaints))]
		}
		in.AtTable = rng.IntN(100) < 35
		if rng.IntN(100) < 20 {
			in.ContactConsent = true
			in.Contact = fmt.Sprintf("07700 900%03d", rng.IntN(1000))
		}
	}
	if rng.IntN(100) < 20 {
		in.GuestName = demoNames[rng.IntN(len(demoNames))]
	}
	if rng.IntN(100) < 30 {
		in.CheckNumber = fmt.Sprintf("%d", 4000+rng.IntN(6000))
	}
	return in
}

// The everyday complaints; the urgent ones are added rarely and on purpose.
var demoComplaintTags = func() []Tag {
	var ts []Tag
	for _, t := range Tags(Complaint) {
		if !t.Urgent {
			ts = append(ts, t)
		}
	}
	return ts
}()

func pickWeighted(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func pickTags(rng *rand.Rand, from []Tag, n int) []string {
	var out []string
	for _, i := range rng.Perm(len(from))[:min(n, len(from))] {
		out = append(out, from[i].Key)
	}
	return out
}

var demoNames = []string{"Maya", "Tom", "Priya", "Jonas", "Chloé", "Ade", "Lena", "Marco", "Hannah", "Kofi"}

var demoPraise = []string{
	"Sam looked after us brilliantly, thank you!",
	"Best risotto I've had in years.",
	"Lovely evening, the terrace was perfect.",
	"Priya at the bar made the best negroni.",
	"Quick lunch and everything was spot on.",
	"The sticky toffee pudding is a must.",
	"Great with our kids, very patient staff.",
	"We'll be back for the Sunday roast.",
	"Tom was so kind about my son's nut allergy.",
	"Jo's recommendation of the lamb was spot on. Wow.",
}

var demoMixed = []string{
	"Food was good but we waited a while for the bill.",
	"Nice place, a bit loud on a Friday.",
	"Mains were great, starters were lukewarm.",
	"Good, but the portion was smaller than last time.",
}

var demoComplaints = []string{
	"Waited 40 minutes for our mains.",
	"My steak was cold in the middle.",
	"We got the wrong order and nobody apologised.",
	"The table was sticky and nobody came to clean it.",
	"Asked twice for water, never came.",
	"Overcooked pasta, sent it back and it came back the same.",
	"Waiter was short with us when we asked about allergens.",
	"Too expensive for what it was.",
}
