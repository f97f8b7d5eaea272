package store_test

import (
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

func TestWeeks(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	for _, tc := range []struct {
		in         string
		start, end string
		hours      float64
	}{
		{"2026-W48", "2026-11-23", "2026-11-30", 168},
		{"2026-W01", "2025-12-29", "2026-01-05", 168},
		{"2026-W53", "2026-12-28", "2027-01-04", 168}, // 2026 has 53 weeks
		{"2026-W13", "2026-03-23", "2026-03-30", 167}, // clocks go forward on the 29th
		{"2026-W44", "2026-10-26", "2026-11-02", 168},
		{"2026-W43", "2026-10-19", "2026-10-26", 169}, // clocks go back on the 25th
	} {
		w, err := store.ParseWeek(tc.in, london)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if w.Start.Format(time.DateOnly) != tc.start || w.End.Format(time.DateOnly) != tc.end || w.End.Sub(w.Start).Hours() != tc.hours || w.String() != tc.in {
			t.Errorf("%s: %v to %v (%v h), %s", tc.in, w.Start, w.End, w.End.Sub(w.Start).Hours(), w)
		}
	}
	for _, bad := range []string{"2025-W53", "2026-W00", "2026-W54", "2026-48", "2026W48", "1999-W10", "2026-W4", "", "2026-W48\n"} {
		if _, err := store.ParseWeek(bad, london); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// Sunday night in London is still the week that began on Monday.
	sunday := time.Date(2026, 11, 29, 23, 30, 0, 0, london)
	if w := store.WeekOf(sunday, london); w.String() != "2026-W48" || w.Prev().String() != "2026-W47" || w.Next().String() != "2026-W49" {
		t.Fatalf("WeekOf %v = %s", sunday, w)
	}
}

func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2026-W48", "2026-W53", "0000-W00", "2026-W99", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := store.ParseWeek(s, time.UTC)
		if err != nil {
			return
		}
		if w.String() != s || w.End.Sub(w.Start) != 7*24*time.Hour || w.Start.Weekday() != time.Monday {
			t.Fatalf("%q parsed as %s, %v to %v", s, w, w.Start, w.End)
		}
	})
}
