package views

import (
	"strconv"
	"strings"

	"github.com/tableside/tableside/store"
)

// trendCharts draws the 8-week trend as three small charts: the average
// rating, complaints voiced and the response rate.
func trendCharts(points []store.TrendPoint) []Chart {
	n := len(points)
	x := func(i int) float64 { return 24 + float64(i)*(ChartW-48)/float64(max(1, n-1)) }
	const top, base = 18.0, 96.0
	labels := make([]Dot, n)
	for i, p := range points {
		_, wk, _ := strings.Cut(p.Week, "-")
		labels[i] = Dot{X: x(i), Y: ChartH - 6, Label: wk}
	}
	line := func(title string, value func(store.TrendPoint) (float64, bool), lo, hi float64, format func(float64) string) Chart {
		c := Chart{Title: title, Labels: labels, Base: base, Latest: "no data this week"}
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
			seg = append(seg, coord(x(i))+","+coord(y))
			c.Dots = append(c.Dots, Dot{X: x(i), Y: y, Label: p.Week + ": " + format(v)})
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
	avg := line("Average rating", store.TrendPoint.Average, 1, 5, Rating)
	avg.Max = "5"
	rate := line("Response rate", store.TrendPoint.ResponseRate, 0, 0.01, percent)

	complaints := Chart{Title: "Complaints", Labels: labels, Base: base}
	most := 1
	for _, p := range points {
		most = max(most, p.Complained.Total())
	}
	complaints.Max = Count(most)
	var desc []string
	for i, p := range points {
		n := p.Complained.Total()
		y := base - float64(n)/float64(most)*(base-top)
		complaints.Bars = append(complaints.Bars, Dot{X: x(i), Y: y, Label: p.Week + ": " + Count(n)})
		desc = append(desc, p.Week+" "+Count(n))
	}
	complaints.Desc = strings.Join(desc, ", ")
	complaints.Latest = Count(points[n-1].Complained.Total()) + " this week"
	return []Chart{avg, complaints, rate}
}

// coord writes a chart coordinate.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
