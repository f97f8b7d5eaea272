package views

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// ActionLine is one thing to do first, in a line, with its evidence a tap
// away.
type ActionLine struct {
	Kind string `json:"kind"` // store.ActionKind
	Text string `json:"text"`
	Href string `json:"href"`
}

// DaypartWords say a daypart in a sentence: "at dinner".
var DaypartWords = map[store.Daypart]string{
	store.Breakfast: "at breakfast", store.Lunch: "at lunch", store.Afternoon: "in the afternoon",
	store.Dinner: "at dinner", store.Late: "late",
}

// Actions are a summary's "This week" in words, the costliest first across
// its restaurants, at most store.MaxActions; with several restaurants each
// line names its restaurant. base makes links absolute (the digest, the
// API).
func Actions(s store.Summary, base string) []ActionLine {
	rws, several := s.Restaurants, len(s.Restaurants) > 1
	type costed struct {
		line ActionLine
		cost int
	}
	var all []costed
	for _, rw := range rws {
		for _, a := range rw.Actions {
			l := actionLine(a, rw, base)
			if several {
				l.Text = rw.Restaurant.Name + ": " + l.Text
			}
			all = append(all, costed{l, a.Cost})
		}
	}
	slices.SortStableFunc(all, func(a, b costed) int { return b.cost - a.cost })
	out := []ActionLine{}
	for _, c := range all[:min(len(all), store.MaxActions)] {
		out = append(out, c.line)
	}
	return out
}

// actionLine is one action in plain words.
func actionLine(a store.Action, rw store.RestaurantWeek, base string) ActionLine {
	r := url.QueryEscape(rw.Restaurant.Slug)
	week := SummaryURL("/summary", rw.Week.String(), rw.Restaurant.Slug)
	tables := strings.Join(a.Tables, ", ")
	l := ActionLine{Kind: string(a.Kind)}
	switch a.Kind {
	case store.ActionOverdueFollowUps:
		l.Text = plural(a.Count, "Call back the guest you promised: 1 follow-up is overdue", "Call back the guests you promised: %d follow-ups are overdue")
		l.Href = base + "/floor?r=" + r + "#follow-h"
	case store.ActionUntaken:
		l.Text = plural(a.Count, "1 call for help was escalated and nobody went", "%d calls for help were escalated and nobody went") +
			". Check who was on the floor then"
		l.Href = base + week + "#alerts-h"
	case store.ActionRepeatTable:
		var each []string
		for i, t := range a.Tables {
			each = append(each, printer.Sprintf("%s (%d)", t, a.Counts[i]))
		}
		l.Text = "Complained about again and again: " + strings.Join(each, ", ") + ". Look at the table, or who serves it"
		tables = ""
		l.Href = base + week + "#complaints-h"
	case store.ActionTopComplaint:
		t, _ := store.LookupTag(a.Topic)
		l.Text = printer.Sprintf("%s: %d complaints", t.Label, a.Count)
		if a.Daypart != "" {
			l.Text += ", most " + DaypartWords[a.Daypart]
		}
		if a.Section != "" {
			l.Text += ", most in " + a.Section
		}
		if tables != "" {
			l.Text += ", most at " + tables
		}
		tables = ""
		l.Href = base + week + "#complaints-h"
	case store.ActionSlowerAck:
		l.Text = "Guests waited longer for someone: " + Duration(time.Duration(a.Now)*time.Second) + " to \u201cOn my way\u201d (median), against " +
			Duration(time.Duration(a.Before)*time.Second) + " in the four weeks before"
		l.Href = base + week + "#alerts-h"
	case store.ActionFallingResponses:
		l.Text = "Fewer guests answered: " + percent(a.Now) + " of guests served, against " + percent(a.Before) +
			printer.Sprintf(" before (about %d fewer answers). Check the cards", a.Count)
		if tables != "" {
			l.Text += "; none came from"
		}
		l.Href = base + "/restaurants/" + url.PathEscape(rw.Restaurant.Slug) + "/tables"
	}
	if tables != "" {
		l.Text += " (" + tables + ")"
	}
	l.Text = cmp.Or(l.Text, string(a.Kind)) + "."
	return l
}

// plural picks one's words for 1, many's (with %d) for any other count.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return printer.Sprintf(many, n)
}
