package views

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// SummaryURL is the page of a week, for one restaurant or ("") all.
func SummaryURL(path, week, slug string) string {
	q := url.Values{"week": {week}}
	if slug != "" {
		q.Set("r", slug)
	}
	return path + "?" + q.Encode()
}

// Which way a figure should go: a rise in responses is good news, a rise in
// complaints is not.
const (
	higherIsBetter = true
	lowerIsBetter  = false
)

// delta compares a figure with last week's and says whether the change is
// good news for a figure where up is better (higherIsBetter) or not.
func delta(now, before float64, ok, okBefore bool, format func(float64) string, up bool, vs string) (text, direction, news string) {
	if !ok || !okBefore {
		return "", "", ""
	}
	d := now - before
	if format(math.Abs(d)) == format(0) {
		return "same as " + vs, "", NewsSame
	}
	direction, sign := "up", "+"
	if d < 0 {
		direction, sign = "down", "−"
	}
	news = NewsWorse
	if (d > 0) == up {
		news = NewsGood
	}
	return sign + format(math.Abs(d)) + " vs " + vs, direction, news
}

func tile(label, value string, now, before float64, ok, okBefore bool, format func(float64) string, up bool, vs string) Tile {
	t := Tile{Label: label, Value: value}
	t.Delta, t.Direction, t.News = delta(now, before, ok, okBefore, format, up, vs)
	return t
}

func intf(f float64) string   { return Count(int(math.Round(f))) }
func points(f float64) string { return printer.Sprintf("%.1f pts", f*100) }
func secondsf(f float64) string {
	return Duration(time.Duration(f * float64(time.Second)))
}

// summaryTiles are the headline figures with their change since last week
// (vs: "last week", or "the same days last week" for a week not yet over).
func summaryTiles(this, prev store.WeekStats, vs string) []Tile {
	var ts []Tile
	ts = append(ts, tile("Responses", Count(this.Responses), float64(this.Responses), float64(prev.Responses),
		true, true, intf, higherIsBetter, vs))

	rate, okRate := this.ResponseRate()
	prevRate, okPrevRate := prev.ResponseRate()
	t := tile("Response rate", "—", rate, prevRate, okRate, okPrevRate, points, higherIsBetter, vs)
	t.Note = "no guests served entered"
	if okRate {
		t.Value, t.Note = percent(rate), "of "+Count(this.Covers)+" guests served"
	}
	ts = append(ts, t)

	avg, okAvg := this.Average()
	prevAvg, okPrevAvg := prev.Average()
	t = tile("Average rating", "—", avg, prevAvg, okAvg, okPrevAvg, Rating, higherIsBetter, vs)
	if okAvg {
		t.Value = Rating(avg) + " / 5"
	}
	ts = append(ts, t)

	happy, okHappy := this.HappyShare()
	prevHappy, okPrevHappy := prev.HappyShare()
	t = tile("Rated 4 or 5", "—", happy, prevHappy, okHappy, okPrevHappy, points, higherIsBetter, vs)
	if okHappy {
		t.Value = percent(happy)
	}
	ts = append(ts, t)

	c := this.Complained
	t = tile("Complaints", Count(c.Total()), float64(c.Total()), float64(prev.Complained.Total()), true, true, intf, lowerIsBetter, vs)
	notes := []string{Count(c.Unprompted) + " unprompted, " + Count(c.Survey) + " through the survey"}
	if this.Requests > 0 {
		notes = append(notes, Count(this.Requests)+" more asked for someone")
	}
	t.Note = strings.Join(notes, "; ")
	ts = append(ts, t)

	med, p90, okAck := this.AckTimes()
	prevMed, _, okPrevAck := prev.AckTimes()
	t = tile("Median time to acknowledge", "—", med.Seconds(), prevMed.Seconds(), okAck, okPrevAck, secondsf, lowerIsBetter, vs)
	if okAck {
		t.Value, t.Note = Duration(med), "90% within "+Duration(p90)
	}
	ts = append(ts, t)

	present, okPresent := this.PresentShare()
	prevPresent, okPrevPresent := prev.PresentShare()
	t = tile("Resolved while the guest was there", "—", present, prevPresent, okPresent, okPrevPresent, points, higherIsBetter, vs)
	if okPresent {
		t.Value, t.Note = percent(present), Count(this.ResolvedPresent)+" of "+Count(this.Voiced)+" complaint alerts"
	}
	ts = append(ts, t)

	ts = append(ts, Tile{Label: "Comps and discounts", Value: compsText(this.Comps)})
	return ts
}

// compsText writes the comps of a week: "3 · £45.50".
func compsText(cs []store.Comps) string {
	if len(cs) == 0 {
		return "none"
	}
	var parts []string
	n := 0
	for _, c := range cs {
		n += c.Count
		parts = append(parts, FormatMoney(c.Total))
	}
	return Count(n) + " · " + strings.Join(parts, " + ")
}

// bars turns counts into a bar list, each bar against the longest.
func bars(cs []store.TagCount, total int, bad bool) []Bar {
	most := 0
	for _, c := range cs {
		most = max(most, c.Count)
	}
	var out []Bar
	for _, c := range cs {
		b := Bar{Label: c.Label, Value: Count(c.Count), Bad: bad}
		if most > 0 {
			b.Width = 100 * float64(c.Count) / float64(most)
		}
		if total > 0 {
			b.Value += " (" + percent(float64(c.Count)/float64(total)) + ")"
		}
		out = append(out, b)
	}
	return out
}

func ratingBars(s store.WeekStats) []Bar {
	var cs []store.TagCount
	for r := 5; r >= 1; r-- {
		cs = append(cs, store.TagCount{Label: fmt.Sprintf("%d ★", r), Count: s.Ratings[r-1]})
	}
	out := bars(cs, s.Rated, false)
	out[3].Bad, out[4].Bad = true, true
	return out
}

func alertFacts(s store.Summary) []Fact {
	w := s.This
	facts := []Fact{{Label: "Complaint alerts on the floor", Value: fmt.Sprintf("%s (%s from the survey, %s told in person)",
		Count(w.Voiced), Count(w.Voiced-w.InPerson), Count(w.InPerson))}}
	facts = append(facts, Fact{Label: "Guests who asked for someone (not complaints)", Value: Count(w.Requests)})
	facts = append(facts, Fact{Label: "Escalated: nobody on the way in time", Value: Count(w.Escalated), Warn: w.Escalated > 0})
	ack := "none acknowledged"
	if med, p90, ok := w.AckTimes(); ok {
		ack = "median " + Duration(med) + ", 90% within " + Duration(p90)
	}
	facts = append(facts, Fact{Label: "Time to acknowledge", Value: ack})
	present := "—"
	if share, ok := w.PresentShare(); ok {
		present = fmt.Sprintf("%s of %s (%s)", Count(w.ResolvedPresent), Count(w.Voiced), percent(share))
	}
	facts = append(facts, Fact{Label: "Resolved while the guest was there", Value: present})
	facts = append(facts, Fact{Label: "Comps and discounts", Value: compsText(w.Comps)})
	follow := Count(s.FollowUpsOpen) + " open"
	if s.FollowUpsOverdue > 0 {
		follow += ", " + Count(s.FollowUpsOverdue) + " overdue"
	}
	facts = append(facts, Fact{Label: "Follow-ups promised to guests (now)", Value: follow, Warn: s.FollowUpsOverdue > 0})
	if o := s.Offers; o.Sent > 0 || o.Redeemed > 0 {
		value := printer.Sprintf("%d sent, %d redeemed", o.Sent, o.Redeemed)
		if len(o.RedeemedValue) > 0 {
			value += " (" + compsText(o.RedeemedValue) + ")"
		}
		if o.Sent > 0 {
			value += printer.Sprintf("; %d of the %d guests sent one came back so far", o.CameBack, o.Sent)
		}
		facts = append(facts, Fact{Label: "Offers to win guests back", Value: value})
	}
	return facts
}

// silentModel puts the estimate in words: one headline, then how it was
// reached in two or three lines that arrive at the same figure (no second
// figure to contradict it), the rate it assumed, what the four-percent rule
// would say as labelled context, and word of mouth from the same range.
func silentModel(e store.Estimate, partial bool) Silent {
	when := ""
	if partial {
		when = " so far"
	}
	p := Silent{NoComplaints: e.Floor == 0 && !e.NoData(), Sources: e.Sources, Definition: store.ComplaintDefinition}
	if e.NoData() {
		p.NoData = true
		p.Headline = "No data yet" + when + ": no guests served entered, no survey answers and no complaints, so no estimate."
		p.How = []string{"Enter the guests served each day (Guests served) and put the table cards out: the estimate starts from the first week with either."}
		return p
	}
	low, likely, high := Whole(e.Unhappy)
	figure := printer.Sprintf("about %d", likely)
	if low != high {
		figure = printer.Sprintf("about %d (%d–%d)", likely, low, high)
	}
	if low == high {
		p.Headline = printer.Sprintf("About %d guests were probably unhappy%s.", likely, when)
	} else {
		p.Headline = printer.Sprintf("About %d guests were probably unhappy%s — between %d and %d.", likely, when, low, high)
	}
	rate := e.Voice.Rate
	rateText := "about " + percent(rate.Central) + " (" + percent(rate.Low) + "–" + percent(rate.High) + ") of unhappy guests say so on the spot (TARP: about half tell someone at the front line)"
	if e.Voice.Own {
		rateText = printer.Sprintf("here about %s (%s–%s) of unhappy guests say so on the spot, learned from this restaurant's last %d weeks",
			percent(rate.Central), percent(rate.Low), percent(rate.High), e.Voice.Weeks)
	}
	frontline := printer.Sprintf("%d complaints raised at the table or told to staff", e.Unprompted)
	if e.Unprompted == 1 {
		frontline = "1 complaint raised at the table or told to staff"
	}
	clamped := e.Unhappy != e.SampleUnhappy
	switch e.Basis {
	case "survey", "mixed":
		p.How = []string{"From the survey: " + shareRange(e.UnhappyShare) + " of answers were rated 1 or 2; of the " +
			Count(e.Covers) + " guests served that is " + figure + ". This assumes those who answered are like those who did not.",
			"Heard: " + frontline + printer.Sprintf(", and %d through the survey.", e.Floor-e.Unprompted)}
	case "complaints":
		clamped = e.Unhappy != e.VoiceUnhappy
		p.How = []string{"From the front line: " + frontline + "; " + rateText + ", so " + figure +
			" (the range allows for chance in a small count).",
			"No survey estimate: it needs survey answers and the guests served this week."}
	default:
		clamped = e.Unhappy != e.VoiceUnhappy
		p.How = []string{printer.Sprintf("Nothing heard from the %s guests served. If %s, hearing nothing from many unhappy guests is unlikely: "+
			"%s at most (the rule of three).", Count(e.Covers), rateText, Count(high)),
			"Put the table cards out and enter the guests served to estimate from the survey."}
	}
	if clamped && e.Floor > 0 {
		bounds := printer.Sprintf("Never fewer than the %d complaints heard", e.Floor)
		if e.Covers > 0 {
			bounds += ", never more than the " + Count(e.Covers) + " guests served"
		}
		p.How = append(p.How, bounds+": "+figure+".")
	}
	if e.Voice.Own {
		p.Rate = printer.Sprintf("This restaurant's own voice rate is used, learned from %d weeks with guests served and survey answers, in place of the frontline one TARP found (about half).", e.Voice.Weeks)
	} else {
		p.Rate = printer.Sprintf("The frontline rate is used until this restaurant has 2 weeks with guests served and survey answers (it has %d).", e.Voice.Weeks)
	}
	if e.Office > 0 {
		p.FourPercent = printer.Sprintf("For comparison only: %d complaints reached you rather than the floor (sent from the survey after the visit, or escalated to the owners). "+
			"If only those counted, the popular four-percent rule would say about %d unhappy guests — but that rule describes complaints reaching a head office, not a dining room.",
			e.Office, int(math.Round(e.FourPercent)))
	}
	wl, wh := WordOfMouth(e)
	p.WordOfMouth = printer.Sprintf("Those %s unhappy guests may have told %d–%d people (8–10 each; 13%% tell 20 or more). Figures from before social media, where one post can reach far more.",
		figure, wl, wh)
	return p
}

// DaypartNames name the dayparts in a table, with their hours.
var DaypartNames = map[store.Daypart]string{
	store.Breakfast: "Breakfast (5–11)", store.Lunch: "Lunch (11–15)", store.Afternoon: "Afternoon (15–17)",
	store.Dinner: "Dinner (17–22)", store.Late: "Late (22–5)",
}

// recoveryRows are the dayparts that had calls, in the order of a day.
func recoveryRows(rs []store.Recovery) []RecoveryRow {
	var out []RecoveryRow
	for _, r := range rs {
		if r.Alerts == 0 {
			continue
		}
		row := RecoveryRow{Daypart: DaypartNames[r.Daypart], Calls: Count(r.Alerts), AckMedian: "—", Present: "—", Comps: compsText(r.Comps), FollowUps: "—"}
		if med, ok := r.AckMedian(); ok {
			row.AckMedian = Duration(med)
		}
		if r.Complaints > 0 {
			row.Present = printer.Sprintf("%d of %d", r.ResolvedPresent, r.Complaints)
		}
		if r.FollowUps > 0 {
			row.FollowUps = printer.Sprintf("%d of %d", r.FollowUpsOnTime, r.FollowUps)
		}
		out = append(out, row)
	}
	return out
}

// teamRows write sections' or people's weeks, each name after prefix.
func teamRows(ls []store.TeamLine, prefix string) []TeamRow {
	var out []TeamRow
	for _, l := range ls {
		row := TeamRow{Name: prefix + l.Name, Answers: Count(l.Responses), Complaints: Count(l.Complaints), Praise: Count(l.Praise),
			Calls: Count(l.Alerts), AckMedian: "—", Present: Count(l.ResolvedPresent)}
		if med, ok := l.AckMedian(); ok {
			row.AckMedian = Duration(med)
		}
		out = append(out, row)
	}
	return out
}

// WordOfMouth is how many people the estimate's unhappy guests may have
// told, from its range as the page shows it: 8 each at the low end, 10 at
// the high (TARP via Peters, before social media).
func WordOfMouth(e store.Estimate) (low, high int) {
	l, _, h := Whole(e.Unhappy)
	return l * 8, h * 10
}

// Whole rounds an estimate to whole guests, as the page and exports show
// it: the low end down, the high end up, the likely figure to nearest.
func Whole(r store.Range) (low, likely, high int) {
	return int(math.Floor(r.Low)), int(math.Round(r.Central)), int(math.Ceil(r.High))
}

// weekOptions are the weeks to pick from: from now's back to the week of
// the first data (first; zero: none yet, so now's alone), 52 at most,
// newest first, and the one shown if it is older.
func weekOptions(shown store.Week, now, first time.Time) []Option {
	var out []Option
	found := false
	w := store.WeekOf(now, shown.Start.Location())
	if first.IsZero() {
		first = now
	}
	for i := range 52 {
		if i > 0 && !w.End.After(first) {
			break // before the restaurant's first data: nothing to show
		}
		out = append(out, Option{Value: w.String(), Label: w.String() + " · " + WeekLabel(w), Selected: w.String() == shown.String()})
		found = found || w.String() == shown.String()
		w = w.Prev()
	}
	if !found {
		out = append(out, Option{Value: shown.String(), Label: shown.String() + " · " + WeekLabel(shown), Selected: true})
	}
	return out
}

// SummaryScope is what a summary covers, as the page or the digest shows it.
type SummaryScope struct {
	Restaurants []store.Restaurant // those added up
	Owned       []store.Restaurant // every restaurant the reader owns, for the picker
	Slug        string             // the one asked for, or "" for all
	Week        store.Week
	Now         time.Time
	// Email is the digest: links are absolute, from BaseURL, and there are
	// no forms.
	Email   bool
	BaseURL string
}

// NewSummary lays a week's summary out for the page or the digest: every
// figure put in words and numbers, every chart drawn.
func NewSummary(s store.Summary, sc SummaryScope) Summary {
	base := ""
	if sc.Email {
		base = strings.TrimRight(sc.BaseURL, "/")
	}
	m := Summary{Title: "All restaurants", Week: s.Week, WeekLabel: WeekLabel(sc.Week), Email: sc.Email}
	if sc.Slug != "" || len(sc.Owned) == 1 {
		m.Title = sc.Restaurants[0].Name
	}
	slug := sc.Slug
	if slug == "" && len(sc.Owned) == 1 {
		slug = sc.Owned[0].Slug
	}
	m.PageURL = base + SummaryURL("/summary", s.Week, slug)
	m.PrevURL = base + SummaryURL("/summary", sc.Week.Prev().String(), slug)
	if next := sc.Week.Next(); !next.Start.After(sc.Now) {
		m.NextURL = base + SummaryURL("/summary", next.String(), slug)
	}
	if sc.Week.End.After(sc.Now) {
		m.WeekLabel += " · so far"
	}
	m.CSVURL = base + SummaryURL("/summary.csv", s.Week, slug)
	m.Actions = Actions(s, base)
	m.Recovery = recoveryRows(s.Recovery)
	for _, rw := range s.Restaurants {
		prefix := ""
		if len(s.Restaurants) > 1 {
			prefix = rw.Restaurant.Name + " · "
		}
		m.BySection = append(m.BySection, teamRows(rw.BySection, prefix)...)
		m.ByPerson = append(m.ByPerson, teamRows(rw.ByPerson, prefix)...)
	}
	m.Picker = WeekPicker{Action: "/summary", Week: s.Week, ResponsesCSV: "/responses.csv",
		From: sc.Week.Start.Format(time.DateOnly), To: sc.Week.End.AddDate(0, 0, -1).Format(time.DateOnly)}
	m.Picker.Weeks = weekOptions(sc.Week, sc.Now, s.FirstData)
	if len(sc.Owned) > 1 {
		m.Picker.Restaurants = append(m.Picker.Restaurants, Option{Value: "", Label: "All restaurants", Selected: sc.Slug == ""})
	}
	for _, r := range sc.Owned {
		m.Picker.Restaurants = append(m.Picker.Restaurants, Option{Value: r.Slug, Label: r.Name, Selected: r.Slug == slug})
	}

	w := s.This
	m.Empty = w.Responses == 0 && w.Complained.Total() == 0
	days := 7 * len(s.Restaurants)
	switch {
	case w.CoverDays == 0:
		m.CoverNote = "No guests served were entered for this week, so there is no response rate and no estimate from the survey."
	case w.CoverDays < days:
		m.CoverNote = fmt.Sprintf("Guests served were entered for %d of %d days; the response rate counts only those days' guests.", w.CoverDays, days)
	}
	if m.CoverNote != "" && len(s.Restaurants) == 1 {
		m.CoversURL = base + "/covers?r=" + url.QueryEscape(s.Restaurants[0].Restaurant.Slug)
	}
	vs := "last week"
	if s.Partial {
		vs = "the same days last week"
	}
	m.Tiles = summaryTiles(w, s.Prev, vs)
	m.Charts = trendCharts(s.Trend)
	m.Ratings = ratingBars(w)
	m.Complaints = bars(w.Complaints, 0, true)
	m.PraiseTags = bars(w.Praise, 0, false)
	m.Alerts = alertFacts(s)
	for _, l := range w.Languages {
		m.Languages = append(m.Languages, fmt.Sprintf("%s (%d)", LanguageInEnglish(l.Key), l.Count))
	}
	for _, n := range w.StaffNamed {
		m.StaffNamed = append(m.StaffNamed, fmt.Sprintf("%s (%d)", n.Label, n.Count))
	}
	for _, q := range w.Wow {
		meta := q.Table
		for _, rw := range s.Restaurants {
			if rw.Restaurant.Name == q.Restaurant {
				meta += " · " + q.At.In(rw.Restaurant.Location()).Format("Mon 2 Jan 15:04")
			}
		}
		meta += fmt.Sprintf(" · %d ★", q.Rating)
		if q.Guest != "" {
			meta = q.Guest + " · " + meta
		}
		if len(s.Restaurants) > 1 {
			meta = q.Restaurant + " · " + meta
		}
		m.Wow = append(m.Wow, Quote{Text: q.Text, Meta: meta})
	}
	m.Silent = silentModel(s.Estimate, sc.Week.End.After(sc.Now))
	m.Silent.SourcesOpen = sc.Email
	if len(s.Restaurants) > 1 {
		for _, rw := range s.Restaurants {
			l := Line{Name: rw.Restaurant.Name, URL: base + SummaryURL("/summary", s.Week, rw.Restaurant.Slug),
				Responses: Count(rw.Stats.Responses), Voiced: Count(rw.Stats.Complained.Total()), Rate: "—", Average: "—", AckMedian: "—"}
			if rate, ok := rw.Stats.ResponseRate(); ok {
				l.Rate = percent(rate)
			}
			if avg, ok := rw.Stats.Average(); ok {
				l.Average = Rating(avg)
			}
			if med, _, ok := rw.Stats.AckTimes(); ok {
				l.AckMedian = Duration(med)
			}
			m.Lines = append(m.Lines, l)
		}
	}
	return m
}
