package handlers

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// printer writes numbers with thousands separators.
var printer = message.NewPrinter(language.English)

func count(n int) string { return printer.Sprintf("%d", n) }

// percent writes a share: "17%", and below 10% with a decimal where it
// matters, "4.3%" but "4%".
func percent(f float64) string {
	if f > 0 && f < 0.1 {
		return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
	}
	return printer.Sprintf("%.0f%%", f*100)
}

// duration writes a time to acknowledge: "45 s", "2 min 10 s", "1 h 5 min".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < 10*time.Minute:
		return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// guests writes a range of people, rounded: "about 75 (60–300)".
func guests(r store.Range) string {
	low, central, high := math.Round(r.Low), math.Round(r.Central), math.Round(r.High)
	if low == high {
		return "about " + count(int(central))
	}
	return printer.Sprintf("about %d (%d–%d)", int(central), int(low), int(high))
}

func shareRange(r store.Range) string {
	return percent(r.Central) + " (95% interval " + percent(r.Low) + "–" + percent(r.High) + ")"
}

// weekLabel writes a week's dates: "19–25 October 2026", "28 Sep – 4 Oct 2026".
func weekLabel(w store.Week) string {
	last := w.End.AddDate(0, 0, -1)
	switch {
	case w.Start.Year() != last.Year():
		return w.Start.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case w.Start.Month() != last.Month():
		return w.Start.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return w.Start.Format("2") + "–" + last.Format("2 January 2006")
}

// delta compares a figure with last week's; up says whether a rise is good
// news (nil: neither).
func delta(now, before float64, ok, okBefore bool, format func(float64) string, up *bool) (string, string, *bool) {
	if !ok || !okBefore {
		return "", "", nil
	}
	d := now - before
	if format(math.Abs(d)) == format(0) {
		return "same as last week", "", nil
	}
	dir, sign := "up", "+"
	if d < 0 {
		dir, sign = "down", "−"
	}
	var better *bool
	if up != nil {
		b := (d > 0) == *up
		better = &b
	}
	return sign + format(math.Abs(d)) + " vs last week", dir, better
}

var (
	higherIsBetter = new(true)
	lowerIsBetter  = new(false)
)

func tile(label, value string, now, before float64, ok, okBefore bool, format func(float64) string, up *bool) views.Tile {
	t := views.Tile{Label: label, Value: value}
	t.Delta, t.Direction, t.Better = delta(now, before, ok, okBefore, format, up)
	return t
}

func intf(f float64) string    { return count(int(math.Round(f))) }
func ratingf(f float64) string { return printer.Sprintf("%.1f", f) }
func points(f float64) string  { return printer.Sprintf("%.1f pts", f*100) }
func secondsf(f float64) string {
	return duration(time.Duration(f * float64(time.Second)))
}

// summaryTiles are the headline figures with their change since last week.
func summaryTiles(this, prev store.WeekStats) []views.Tile {
	var ts []views.Tile
	ts = append(ts, tile("Responses", count(this.Responses), float64(this.Responses), float64(prev.Responses),
		true, true, intf, higherIsBetter))

	rate, okRate := this.ResponseRate()
	prevRate, okPrevRate := prev.ResponseRate()
	t := tile("Response rate", "—", rate, prevRate, okRate, okPrevRate, points, higherIsBetter)
	t.Note = "no guests served entered"
	if okRate {
		t.Value, t.Note = percent(rate), "of "+count(this.Covers)+" guests served"
	}
	ts = append(ts, t)

	avg, okAvg := this.Average()
	prevAvg, okPrevAvg := prev.Average()
	t = tile("Average rating", "—", avg, prevAvg, okAvg, okPrevAvg, ratingf, higherIsBetter)
	if okAvg {
		t.Value = ratingf(avg) + " / 5"
	}
	ts = append(ts, t)

	happy, okHappy := this.HappyShare()
	prevHappy, okPrevHappy := prev.HappyShare()
	t = tile("Rated 4 or 5", "—", happy, prevHappy, okHappy, okPrevHappy, points, higherIsBetter)
	if okHappy {
		t.Value = percent(happy)
	}
	ts = append(ts, t)

	t = tile("Complaints voiced", count(this.Voiced), float64(this.Voiced), float64(prev.Voiced), true, true, intf, lowerIsBetter)
	var notes []string
	if this.InPerson > 0 {
		notes = append(notes, count(this.InPerson)+" told in person")
	}
	if this.Requests > 0 {
		notes = append(notes, count(this.Requests)+" more asked for someone")
	}
	t.Note = strings.Join(notes, "; ")
	ts = append(ts, t)

	med, p90, okAck := this.AckTimes()
	prevMed, _, okPrevAck := prev.AckTimes()
	t = tile("Median time to acknowledge", "—", med.Seconds(), prevMed.Seconds(), okAck, okPrevAck, secondsf, lowerIsBetter)
	if okAck {
		t.Value, t.Note = duration(med), "90% within "+duration(p90)
	}
	ts = append(ts, t)

	present, okPresent := this.PresentShare()
	prevPresent, okPrevPresent := prev.PresentShare()
	t = tile("Resolved while the guest was there", "—", present, prevPresent, okPresent, okPrevPresent, points, higherIsBetter)
	if okPresent {
		t.Value, t.Note = percent(present), count(this.ResolvedPresent)+" of "+count(this.Voiced)
	}
	ts = append(ts, t)

	ts = append(ts, views.Tile{Label: "Comps and discounts", Value: compsText(this.Comps)})
	return ts
}

func compsText(cs []store.Comps) string {
	if len(cs) == 0 {
		return "none"
	}
	var parts []string
	n := 0
	for _, c := range cs {
		n += c.Count
		parts = append(parts, views.FormatMoney(c.Total))
	}
	return count(n) + " · " + strings.Join(parts, " + ")
}

// bars turns counts into a bar list, each bar against the longest.
func bars(cs []store.TagCount, total int, bad bool) []views.Bar {
	most := 0
	for _, c := range cs {
		most = max(most, c.Count)
	}
	var out []views.Bar
	for _, c := range cs {
		b := views.Bar{Label: c.Label, Value: count(c.Count), Bad: bad}
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

func ratingBars(s store.WeekStats) []views.Bar {
	var cs []store.TagCount
	for r := 5; r >= 1; r-- {
		cs = append(cs, store.TagCount{Label: fmt.Sprintf("%d ★", r), Count: s.Ratings[r-1]})
	}
	out := bars(cs, s.Responses, false)
	out[3].Bad, out[4].Bad = true, true
	return out
}

func alertFacts(s store.Summary) []views.Fact {
	w := s.This
	facts := []views.Fact{{Label: "Complaints voiced", Value: fmt.Sprintf("%s (%s from the survey, %s told in person)",
		count(w.Voiced), count(w.Voiced-w.InPerson), count(w.InPerson))}}
	facts = append(facts, views.Fact{Label: "Guests who asked for someone (not complaints)", Value: count(w.Requests)})
	facts = append(facts, views.Fact{Label: "Escalated: nobody on the way in time", Value: count(w.Escalated), Warn: w.Escalated > 0})
	ack := "none acknowledged"
	if med, p90, ok := w.AckTimes(); ok {
		ack = "median " + duration(med) + ", 90% within " + duration(p90)
	}
	facts = append(facts, views.Fact{Label: "Time to acknowledge", Value: ack})
	present := "—"
	if share, ok := w.PresentShare(); ok {
		present = fmt.Sprintf("%s of %s (%s)", count(w.ResolvedPresent), count(w.Voiced), percent(share))
	}
	facts = append(facts, views.Fact{Label: "Resolved while the guest was there", Value: present})
	facts = append(facts, views.Fact{Label: "Comps and discounts", Value: compsText(w.Comps)})
	follow := count(s.FollowUpsOpen) + " open"
	if s.FollowUpsOverdue > 0 {
		follow += ", " + count(s.FollowUpsOverdue) + " overdue"
	}
	facts = append(facts, views.Fact{Label: "Follow-ups promised to guests (now)", Value: follow, Warn: s.FollowUpsOverdue > 0})
	return facts
}

// silentPanel puts the estimate in words.
func silentPanel(e store.Estimate) views.Silent {
	voice := e.VoiceRate
	p := views.Silent{
		Voiced:       count(e.Voiced) + " complaints reached a manager this week (alerts and complaints told in person)",
		NoComplaints: e.Voiced == 0,
		Assumptions:  e.Assumptions,
		Sources:      e.Sources,
		VoiceRate: fmt.Sprintf("Assuming %s–%s of unhappy guests complain to a manager (%s central).",
			percent(voice.Low), percent(voice.High), percent(voice.Central)),
	}
	if e.Voiced == 1 {
		p.Voiced = "1 complaint reached a manager this week"
	}
	if e.Voiced == 0 {
		p.ZeroUpper = "Hearing none is still consistent with " + guests(e.ZeroUpper) + " unhappy guests this week (95%)."
		p.VoiceUnhappy = "No complaint to scale up"
		p.VoiceSilent = "With nothing voiced, the voice rate gives no central figure; see the bound above."
	} else {
		p.VoiceUnhappy = guests(e.VoiceUnhappy) + " unhappy guests"
		p.VoiceSilent = "of whom " + guests(e.VoiceSilent) + " said nothing to anyone on the staff."
	}
	if e.HasSample {
		p.HasSample = true
		p.SampleUnhappy = guests(e.SampleUnhappy) + " unhappy guests"
		p.SampleShare = shareRange(e.UnhappyShare) + " of survey responses were rated 1 or 2; applied to the guests served."
		if e.HasObserved {
			p.Observed = "So here about " + percent(e.ObservedVoice.Central) + " of unhappy guests spoke up (" +
				percent(e.ObservedVoice.Low) + "–" + percent(e.ObservedVoice.High) + "), against the " + percent(voice.Central) + " assumed."
		}
	} else {
		p.SampleMissing = "Needs survey responses and the guests served this week: enter guests served to see it."
	}
	p.WordOfMouth = "they may tell " + guests(e.WordOfMouth) + " people;"
	p.TellTwenty = guests(e.TellTwenty) + " of them may tell 20 or more."
	return p
}

// trendCharts draws the 8-week trend as three small charts: the average
// rating, complaints voiced and the response rate.
func trendCharts(points []store.TrendPoint) []views.Chart {
	n := len(points)
	x := func(i int) float64 { return 24 + float64(i)*(views.ChartW-48)/float64(max(1, n-1)) }
	const top, base = 18.0, 96.0
	labels := make([]views.Dot, n)
	for i, p := range points {
		_, wk, _ := strings.Cut(p.Week, "-")
		labels[i] = views.Dot{X: x(i), Y: views.ChartH - 6, Label: wk}
	}
	line := func(title string, value func(store.TrendPoint) (float64, bool), lo, hi float64, format func(float64) string) views.Chart {
		c := views.Chart{Title: title, Labels: labels, Base: base, Latest: "no data this week"}
		for _, p := range points {
			if v, ok := value(p); ok {
				hi = max(hi, v)
			}
		}
		if hi > lo {
			c.Max = format(hi)
		}
		var seg []string
		var desc []string
		for i, p := range points {
			v, ok := value(p)
			if !ok {
				if len(seg) > 0 {
					c.Lines = append(c.Lines, strings.Join(seg, " "))
				}
				seg = nil
				desc = append(desc, p.Week+" none")
				continue
			}
			y := base - (v-lo)/max(hi-lo, 1e-9)*(base-top)
			seg = append(seg, f(x(i))+","+f(y))
			c.Dots = append(c.Dots, views.Dot{X: x(i), Y: y, Label: p.Week + ": " + format(v)})
			desc = append(desc, p.Week+" "+format(v))
			if i == n-1 {
				c.Latest = format(v) + " this week"
			}
		}
		if len(seg) > 0 {
			c.Lines = append(c.Lines, strings.Join(seg, " "))
		}
		c.Desc = strings.Join(desc, ", ")
		return c
	}
	avg := line("Average rating", store.TrendPoint.Average, 1, 5, ratingf)
	avg.Max = "5"
	rate := line("Response rate", store.TrendPoint.ResponseRate, 0, 0.01, percent)

	complaints := views.Chart{Title: "Complaints voiced", Labels: labels, Base: base}
	most := 1
	for _, p := range points {
		most = max(most, p.Voiced)
	}
	complaints.Max = count(most)
	var desc []string
	for i, p := range points {
		y := base - float64(p.Voiced)/float64(most)*(base-top)
		complaints.Bars = append(complaints.Bars, views.Dot{X: x(i), Y: y, Label: p.Week + ": " + count(p.Voiced)})
		desc = append(desc, p.Week+" "+count(p.Voiced))
	}
	complaints.Desc = strings.Join(desc, ", ")
	complaints.Latest = count(points[n-1].Voiced) + " this week"
	return []views.Chart{avg, complaints, rate}
}

func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
