package views

import (
	"strconv"
	"time"

	"github.com/tableside/tableside/store"
)

// Covers is the guests-served page of one restaurant and week.
type Covers struct {
	Restaurant, Week, WeekLabel string
	PrevURL, NextURL            string
	Others                      []NavLink // the user's other restaurants
	Action, ImportAction        string
	Days                        []CoverDay
	Error, Flash                string
	ImportText                  string
	ImportErrors                []string
}

// CoverDay is one day's field.
type CoverDay struct {
	Date, Label, Value, Error string
	Future                    bool
}

// NewCoverDays are the days of week w with the guests stored for each (by
// date, YYYY-MM-DD), those after today (in the restaurant's zone) marked.
func NewCoverDays(w store.Week, stored map[string]int, today time.Time) []CoverDay {
	var days []CoverDay
	now := today.Format(time.DateOnly)
	for d := w.Start; d.Before(w.End); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		day := CoverDay{Date: date, Label: d.Format("Mon 2 Jan"), Future: date > now}
		if n, ok := stored[date]; ok {
			day.Value = strconv.Itoa(n)
		}
		days = append(days, day)
	}
	return days
}
