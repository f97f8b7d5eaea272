package store

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Week is one ISO week in a restaurant's time zone: Monday 00:00 to the next
// Monday 00:00, local time (so 167 or 169 hours across a clock change).
type Week struct {
	Year, Number int
	Start, End   time.Time
}

var weekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// String is the week as YYYY-Www.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Number) }

// WeekOf is the ISO week that contains t, in loc.
func WeekOf(t time.Time, loc *time.Location) Week {
	t = t.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	y, n := monday.ISOWeek()
	return Week{Year: y, Number: n, Start: monday, End: monday.AddDate(0, 0, 7)}
}

// ParseWeek reads YYYY-Www (2026-W48) as a week in loc. It refuses weeks that
// do not exist, such as W53 of a year with 52.
func ParseWeek(s string, loc *time.Location) (Week, error) {
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return Week{}, Errorf(EInvalid, "A week is written like 2026-W48.")
	}
	year, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	if year < 2000 || year > 2200 || n < 1 || n > 53 {
		return Week{}, Errorf(EInvalid, "There is no week %s.", s)
	}
	// January 4th is always in week 1.
	w := WeekOf(time.Date(year, 1, 4, 12, 0, 0, 0, loc), loc)
	w = WeekOf(w.Start.AddDate(0, 0, 7*(n-1)).Add(12*time.Hour), loc)
	if w.Year != year || w.Number != n {
		return Week{}, Errorf(EInvalid, "There is no week %s.", s)
	}
	return w, nil
}

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Start.AddDate(0, 0, -3), w.Start.Location()) }

// Next is the week after.
func (w Week) Next() Week { return WeekOf(w.Start.AddDate(0, 0, 10), w.Start.Location()) }
