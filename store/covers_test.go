package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

func TestParseCoversCSV(t *testing.T) {
	days, err := store.ParseCoversCSV(strings.NewReader("date,guests\n2026-11-16,120\n\n2026-11-17, 95\n"))
	if err != nil || len(days) != 2 || days[1].Guests != 95 || days[0].Day.Format(time.DateOnly) != "2026-11-16" {
		t.Fatalf("%+v, %v", days, err)
	}
	_, err = store.ParseCoversCSV(strings.NewReader("date,guests\n2026-11-16,120\n16/11/2026,80\n2026-11-18,-4\n2026-11-19\n2026-11-16,7\n2026-11-20,\"=1+1\"\n"))
	var ie *store.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	want := []store.RowError{
		{Line: 3, Reason: `"16/11/2026" is not a date like 2026-11-23`},
		{Line: 4, Reason: `"-4" is not a number of guests from 0 to 100000`},
		{Line: 5, Reason: "expected 2 columns (date,guests), found 1"},
		{Line: 6, Reason: "2026-11-16 is already on line 2"},
		{Line: 7, Reason: `"=1+1" is not a number of guests from 0 to 100000`},
	}
	if len(ie.Rows) != len(want) {
		t.Fatalf("rows %+v", ie.Rows)
	}
	for i := range want {
		if ie.Rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, ie.Rows[i], want[i])
		}
	}
	for _, empty := range []string{"", "date,guests\n"} {
		if _, err := store.ParseCoversCSV(strings.NewReader(empty)); !errors.As(err, &ie) {
			t.Errorf("%q: err = %v", empty, err)
		}
	}
}

func TestImportCoversAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, _ := fixture(t, db)
	day := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	if err := db.SetCovers(ctx, r.ID, day, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ParseCoversCSV(strings.NewReader("2026-11-16,200\n2026-11-17,x\n")); err == nil {
		t.Fatal("a bad file parsed")
	}
	got, _ := db.Covers(ctx, r.ID, day, day.AddDate(0, 0, 6))
	if got["2026-11-16"] != 100 || len(got) != 1 {
		t.Fatalf("a failed import changed covers: %v", got)
	}
	days, _ := store.ParseCoversCSV(strings.NewReader("2026-11-16,200\n2026-11-17,90\n"))
	if err := db.ImportCovers(ctx, r.ID, days); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Covers(ctx, r.ID, day, day.AddDate(0, 0, 6))
	if got["2026-11-16"] != 200 || got["2026-11-17"] != 90 {
		t.Fatalf("covers %v", got)
	}
	if err := db.SetCovers(ctx, r.ID, day, -1); store.ErrorCode(err) != store.EInvalid {
		t.Fatalf("negative covers: %v", err)
	}
}

// FuzzParseCoversCSV: whatever file an owner uploads, parsing never panics,
// and what it accepts is a list of distinct real dates with sane counts.
func FuzzParseCoversCSV(f *testing.F) {
	for _, seed := range []string{"date,guests\n2026-11-16,120\n", "2026-02-30,1\n", "\"2026-11-16\",\"1\"\n", "a,b,c\n", "\"unclosed\n", "2026-11-16,1\n2026-11-16,2\n", "=cmd|' /C calc'!A0,1\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, file string) {
		days, err := store.ParseCoversCSV(strings.NewReader(file))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, d := range days {
			key := d.Day.Format(time.DateOnly)
			if seen[key] || d.Guests < 0 || d.Guests > store.MaxCovers {
				t.Fatalf("accepted %+v", d)
			}
			seen[key] = true
		}
	})
}
