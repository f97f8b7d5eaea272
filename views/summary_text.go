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
	for _, t := range s.Tiles {
		extra := strings.TrimSpace(strings.Join([]string{t.Delta, t.Note}, "; "))
		extra = strings.Trim(extra, "; ")
		if extra != "" {
			extra = " (" + extra + ")"
		}
		line("%s: %s%s", t.Label, t.Value, extra)
	}
	heading("The last 8 weeks")
	for _, c := range s.Charts {
		line("%s: %s", c.Title, c.Desc)
	}
	heading("Ratings")
	for _, r := range s.Ratings {
		line("%s  %s", r.Label, r.Value)
	}
	heading("Complaints by topic")
	if len(s.Complaints) == 0 {
		line("None ticked or logged.")
	}
	for _, c := range s.Complaints {
		line("%s: %s", c.Label, c.Value)
	}
	heading("Alerts and how they were handled")
	for _, f := range s.Alerts {
		line("%s: %s", f.Label, f.Value)
	}
	heading("Praise")
	for _, p := range s.PraiseTags {
		line("%s: %s", p.Label, p.Value)
	}
	if len(s.StaffNamed) > 0 {
		line("Team named: %s", strings.Join(s.StaffNamed, ", "))
	}
	for _, q := range s.Wow {
		line("“%s” — %s", q.Text, q.Meta)
	}
	si := s.Silent
	heading("Unhappy guests who said nothing")
	line("%s.", si.Voiced)
	if si.NoComplaints {
		line("No complaints is not the same as no unhappy guests. %s", si.ZeroUpper)
	}
	line("From the voice rate: %s; %s %s", si.VoiceUnhappy, si.VoiceSilent, si.VoiceRate)
	if si.HasSample {
		line("From the survey: %s. %s %s", si.SampleUnhappy, si.SampleShare, si.Observed)
	} else {
		line("From the survey: %s", si.SampleMissing)
	}
	line("Word of mouth: %s %s", si.WordOfMouth, si.TellTwenty)
	line("\nAssumptions:")
	for _, a := range si.Assumptions {
		line("- %s", a)
	}
	line("Sources:")
	for i, src := range si.Sources {
		line("%d. %s", i+1, src)
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
