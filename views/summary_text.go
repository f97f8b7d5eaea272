package views

import (
	"fmt"
	"strings"
)

// SummaryText is the plain-text digest: the same model as the page and the
// HTML email, in the same order, for mail clients that show no HTML.
func SummaryText(s Summary) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	heading := func(h string) { line("\n%s\n%s", h, strings.Repeat("-", len([]rune(h)))) }

	line("%s · week %s", s.Title, s.Week)
	line("%s", s.WeekLabel)
	if s.PageURL != "" {
		line("%s", s.PageURL)
	}
	if s.Empty {
		line("\nNo survey responses and no complaints this week. That is not the same as no unhappy guests.")
	}
	if s.CoverNote != "" {
		line("\n%s", s.CoverNote)
	}
	heading("This week")
	if len(s.Actions) == 0 {
		line("Nothing stands out: no follow-up overdue, no call left untaken, no complaint repeated.")
	}
	for i, a := range s.Actions {
		line("%d. %s %s", i+1, a.Text, a.Href)
	}
	si := s.Silent
	heading("Unhappy guests, heard or not")
	line("%s", si.Headline)
	if si.NoComplaints {
		line("No complaints is not the same as no unhappy guests.")
	}
	for _, h := range si.How {
		line("- %s", h)
	}
	if !si.NoData {
		line("%s", si.Rate)
		if si.FourPercent != "" {
			line("%s", si.FourPercent)
		}
		line("%s", si.WordOfMouth)
	}
	line("\n%s", si.Definition)
	line("Sources:")
	for i, src := range si.Sources {
		line("%d. %s", i+1, src)
	}
	heading("At a glance")
	for _, t := range s.Tiles {
		extra := strings.TrimSpace(strings.Join([]string{t.Delta, t.Note}, "; "))
		extra = strings.Trim(extra, "; ")
		if extra != "" {
			extra = " (" + extra + ")"
		}
		line("%s: %s%s", t.Label, t.Value, extra)
	}
	// section writes a heading and a line per pair, or none when empty.
	section := func(h, format, none string, pairs [][2]string) {
		heading(h)
		if len(pairs) == 0 && none != "" {
			line("%s", none)
		}
		for _, p := range pairs {
			line(format, p[0], p[1])
		}
	}
	section("The last 8 weeks", "%s: %s", "", pairsOf(s.Charts, func(c Chart) [2]string { return [2]string{c.Title, c.Desc} }))
	bar := func(b Bar) [2]string { return [2]string{b.Label, b.Value} }
	section("Ratings", "%s  %s", "", pairsOf(s.Ratings, bar))
	section("Complaints by topic", "%s: %s", "None ticked or logged.", pairsOf(s.Complaints, bar))
	section("Alerts and how they were handled", "%s: %s", "", pairsOf(s.Alerts, func(f Fact) [2]string { return [2]string{f.Label, f.Value} }))
	for _, r := range s.Recovery {
		line("%s: %s calls, %s to “On my way”, put right there %s, given back %s, follow-ups on time %s", r.Daypart, r.Calls, r.AckMedian, r.Present, r.Comps, r.FollowUps)
	}
	section("Praise", "%s: %s", "", pairsOf(s.PraiseTags, bar))
	if len(s.StaffNamed) > 0 {
		line("Team named: %s", strings.Join(s.StaffNamed, ", "))
	}
	for _, q := range s.Wow {
		line("“%s” — %s", q.Text, q.Meta)
	}
	if len(s.Lines) > 0 {
		heading("By restaurant")
		for _, l := range s.Lines {
			line("%s: %s responses, response rate %s, average %s, %s complaints, median to acknowledge %s",
				l.Name, l.Responses, l.Rate, l.Average, l.Voiced, l.AckMedian)
		}
	}
	return b.String()
}

// pairsOf maps items to label and value pairs.
func pairsOf[T any](items []T, pair func(T) [2]string) [][2]string {
	out := make([][2]string, len(items))
	for i, it := range items {
		out[i] = pair(it)
	}
	return out
}
