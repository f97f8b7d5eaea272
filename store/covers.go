package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxCovers is the most guests one restaurant can record for a day.
const MaxCovers = 100_000

// SetCovers records the guests served on one day (the restaurant's own date),
// replacing what was there.
func (db *DB) SetCovers(ctx context.Context, restaurantID int64, day time.Time, guests int) error {
	if guests < 0 || guests > MaxCovers {
		return Errorf(EInvalid, "Guests served is a number from 0 to %d.", MaxCovers)
	}
	return db.setCovers(ctx, restaurantID, []DayCovers{{Day: day, Guests: guests}}, nil)
}

// SaveCovers records some days and forgets others (days whose count was
// cleared), in one transaction.
func (db *DB) SaveCovers(ctx context.Context, restaurantID int64, days []DayCovers, cleared []time.Time) error {
	for _, d := range days {
		if d.Guests < 0 || d.Guests > MaxCovers {
			return Errorf(EInvalid, "Guests served is a number from 0 to %d.", MaxCovers)
		}
	}
	return db.setCovers(ctx, restaurantID, days, cleared)
}

// DayCovers is the guests served on one day.
type DayCovers struct {
	Day    time.Time // a date; its clock and zone are ignored
	Guests int
}

func (db *DB) setCovers(ctx context.Context, restaurantID int64, days []DayCovers, cleared []time.Time) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, d := range cleared {
			if _, err := tx.ExecContext(ctx, `DELETE FROM covers WHERE restaurant_id = ? AND day = ?`,
				restaurantID, d.Format(time.DateOnly)); err != nil {
				return err
			}
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO covers (restaurant_id, day, guests) VALUES (?, ?, ?)
				ON CONFLICT (restaurant_id, day) DO UPDATE SET guests = excluded.guests`,
				restaurantID, d.Day.Format(time.DateOnly), d.Guests); err != nil {
				return err
			}
		}
		return nil
	})
}

// RowError is one bad line of an imported file.
type RowError struct {
	Line   int
	Reason string
}

// ImportError lists every bad line of an import; nothing was imported.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, r := range e.Rows {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "line %d: %s", r.Line, r.Reason)
	}
	return b.String()
}

// MaxImportRows bounds a covers import: ten years of days.
const MaxImportRows = 3660

// ParseCoversCSV reads "date,guests" rows (an optional header line, dates as
// YYYY-MM-DD). It reports every bad line with its number and reason, so the
// whole file can be fixed at once.
func ParseCoversCSV(r io.Reader) ([]DayCovers, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var days []DayCovers
	var bad []RowError
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.Line, Reason: "not valid CSV (" + pe.Err.Error() + ")"})
				if len(bad) > 100 {
					break // a binary file or the wrong one: enough to say so
				}
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(days) == 0 && len(bad) == 0 && len(rec) >= 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") {
			continue // the header
		}
		if len(rec) != 2 {
			bad = append(bad, RowError{Line: line, Reason: fmt.Sprintf("expected 2 columns (date,guests), found %d", len(rec))})
			continue
		}
		day, err := time.Parse(time.DateOnly, strings.TrimSpace(rec[0]))
		if err != nil {
			bad = append(bad, RowError{Line: line, Reason: fmt.Sprintf("%q is not a date like 2026-11-23", rec[0])})
			continue
		}
		guests, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || guests < 0 || guests > MaxCovers {
			bad = append(bad, RowError{Line: line, Reason: fmt.Sprintf("%q is not a number of guests from 0 to %d", rec[1], MaxCovers)})
			continue
		}
		if first, dup := seen[rec[0]]; dup {
			bad = append(bad, RowError{Line: line, Reason: fmt.Sprintf("%s is already on line %d", rec[0], first)})
			continue
		}
		seen[rec[0]] = line
		days = append(days, DayCovers{Day: day, Guests: guests})
		if len(days) > MaxImportRows {
			return nil, &ImportError{Rows: []RowError{{Line: line, Reason: fmt.Sprintf("more than %d rows; split the file", MaxImportRows)}}}
		}
	}
	if len(bad) > 0 {
		return nil, &ImportError{Rows: bad}
	}
	if len(days) == 0 {
		return nil, &ImportError{Rows: []RowError{{Line: 1, Reason: "no rows of date,guests"}}}
	}
	return days, nil
}

// ImportCovers records all the days of a parsed file in one transaction: all
// or nothing.
func (db *DB) ImportCovers(ctx context.Context, restaurantID int64, days []DayCovers) error {
	return db.setCovers(ctx, restaurantID, days, nil)
}

// Covers returns the guests served on each day from one date to another
// (both inclusive), keyed YYYY-MM-DD; days nobody entered are missing.
func (db *DB) Covers(ctx context.Context, restaurantID int64, from, to time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := db.each(ctx, `SELECT day, guests FROM covers WHERE restaurant_id = ? AND day BETWEEN ? AND ?`,
		[]any{restaurantID, from.Format(time.DateOnly), to.Format(time.DateOnly)}, func(row rowScanner) error {
			var day string
			var n int
			err := row.Scan(&day, &n)
			out[day] = n
			return err
		})
	return out, err
}
