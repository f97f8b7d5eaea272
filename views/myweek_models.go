package views

import (
	"net/url"
	"slices"
	"time"

	"github.com/tableside/tableside/store"
)

// MyWeek is a manager's own week, for coaching: what was said and called
// in the sections they served, and how the calls were answered. Owners see
// everyone on the weekly summary; a manager sees their own line here.
type MyWeek struct {
	Restaurant string
	Week       string // YYYY-Www
	WeekLabel  string
	Name       string // the team name they go by
	Row        *TeamRow
	// OnTeam is false when their first name is not among the team's names,
	// so nothing can be counted for them.
	OnTeam           bool
	PrevURL, NextURL string
}

// NewMyWeek is the week of the person called name (a team name) from a
// one-restaurant summary.
func NewMyWeek(s store.Summary, r store.Restaurant, w store.Week, name string, now time.Time) MyWeek {
	m := MyWeek{Restaurant: r.Name, Week: w.String(), WeekLabel: WeekLabel(w), Name: name, OnTeam: slices.Contains(r.TeamNames, name)}
	base := "/floor/week?r=" + url.QueryEscape(r.Slug) + "&week="
	m.PrevURL = base + w.Prev().String()
	if next := w.Next(); !next.Start.After(now) {
		m.NextURL = base + next.String()
	}
	if len(s.Restaurants) == 1 {
		for _, row := range teamRows(s.Restaurants[0].ByPerson, "") {
			if row.Name == name {
				m.Row = &row
			}
		}
	}
	return m
}
