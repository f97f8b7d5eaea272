package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/message"

	"github.com/tableside/tableside/store"
)

// printer writes numbers for staff pages and the digest, in English, with
// thousands separators.
var printer = message.NewPrinter(staffLocale)

// Count writes a whole number with thousands separators: "1,204".
func Count(n int) string { return printer.Sprintf("%d", n) }

// percent writes a share: "17%", and below 10% with a decimal where it
// matters, "4.3%" but "4%".
func percent(f float64) string {
	if f > 0 && f < 0.1 {
		return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
	}
	return printer.Sprintf("%.0f%%", f*100)
}

// Duration writes a time to acknowledge: "45 s", "2 min 10 s", "1 h 5 min".
func Duration(d time.Duration) string {
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

func shareRange(r store.Range) string {
	return percent(r.Central) + " (95% interval " + percent(r.Low) + "–" + percent(r.High) + ")"
}

// WeekLabel writes a week's dates: "19–25 October 2026", "28 Sep – 4 Oct 2026".
func WeekLabel(w store.Week) string {
	last := w.End.AddDate(0, 0, -1)
	switch {
	case w.Start.Year() != last.Year():
		return w.Start.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
	case w.Start.Month() != last.Month():
		return w.Start.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return w.Start.Format("2") + "–" + last.Format("2 January 2006")
}

// Rating writes an average rating: "4.3".
func Rating(f float64) string { return printer.Sprintf("%.1f", f) }

// Device names a browser by its User-Agent, briefly: "Chrome on Android",
// "Safari on iPhone".
func Device(ua string) string {
	var browser, system string
	switch {
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "CriOS/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	}
	switch {
	case strings.Contains(ua, "iPhone"):
		system = "iPhone"
	case strings.Contains(ua, "iPad"):
		system = "iPad"
	case strings.Contains(ua, "Android"):
		system = "Android"
	case strings.Contains(ua, "Mac OS X"):
		system = "Mac"
	case strings.Contains(ua, "Windows"):
		system = "Windows"
	case strings.Contains(ua, "Linux"):
		system = "Linux"
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "" || system != "":
		return browser + system
	case ua == "":
		return "An unknown browser"
	}
	if r := []rune(ua); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return ua
}

// DayTime writes a day and time in the week: "Mon 2 Jan 15:04".
func DayTime(t time.Time) string { return t.Format("Mon 2 Jan 15:04") }

// WeekdayTime writes a time this week: "Mon 15:04".
func WeekdayTime(t time.Time) string { return t.Format("Mon 15:04") }
