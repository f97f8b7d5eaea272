package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// sheetWriter writes CSV that is safe to open in a spreadsheet: a cell that
// begins with =, +, -, @, a tab or a carriage return would be read as a
// formula, so it gets a leading apostrophe (OWASP's advice). So does any
// part of a cell after a semicolon, comma or tab: a spreadsheet that
// splits on another separator than ours (Excel where the list separator is
// a semicolon: de, fr, es, it, pt) would otherwise start a cell there.
type sheetWriter struct{ w *csv.Writer }

func newSheetWriter(c echo.Context, filename string) sheetWriter {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return sheetWriter{csv.NewWriter(c.Response())}
}

// formulaStart are the characters that make a spreadsheet read a cell as a
// formula; separators, those a spreadsheet may split a line on.
const formulaStart, separators = "=+-@\t\r", ";,\t"

func neutralise(cell string) string {
	var b strings.Builder
	start := true // at the start of what a spreadsheet may take for a cell
	for _, r := range cell {
		if start && strings.ContainsRune(formulaStart, r) {
			b.WriteByte('\'')
		}
		b.WriteRune(r)
		start = strings.ContainsRune(separators, r) || start && r == ' '
	}
	return b.String()
}

func (s sheetWriter) row(cells ...string) error {
	for i, c := range cells {
		cells[i] = neutralise(c)
	}
	return s.w.Write(cells)
}

func (s sheetWriter) flush() error {
	s.w.Flush()
	return s.w.Error()
}

func itoa(n int) string { return strconv.Itoa(n) }

func ratio(f float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(f, 'f', 4, 64)
}

func seconds(d time.Duration, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 0, 64)
}

func whole(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }

func comps(cs []store.Comps) (n int, total string) {
	var parts []string
	for _, c := range cs {
		n += c.Count
		parts = append(parts, c.Total.Decimal()+" "+c.Total.Currency)
	}
	return n, strings.Join(parts, " + ")
}

// summaryHeader names the columns of the summary CSV; summaryRow fills them.
func summaryHeader() []string {
	head := []string{"week", "restaurant", "from", "to", "responses", "guests_served", "days_with_guests_entered",
		"response_rate", "average_rating", "rated_1", "rated_2", "rated_3", "rated_4", "rated_5", "share_rated_4_5",
		"at_table", "complaints", "complaints_survey", "complaints_unprompted", "complaint_alerts", "told_in_person",
		"asked_for_someone", "escalated", "acknowledged", "ack_median_s", "ack_p90_s",
		"resolved_while_present", "comps_and_discounts", "comps_total", "follow_ups_open", "follow_ups_overdue",
		"unhappy_low", "unhappy_likely", "unhappy_high", "unhappy_basis", "voice_rate", "voice_rate_own_weeks",
		"unhappy_voice_low", "unhappy_voice_central", "unhappy_voice_high",
		"unhappy_sample_low", "unhappy_sample_central", "unhappy_sample_high",
		"word_of_mouth_low", "word_of_mouth_high"}
	for _, t := range store.Tags(store.Complaint) {
		head = append(head, "complaint: "+t.Label)
	}
	for _, t := range store.Tags(store.Praise) {
		head = append(head, "praise: "+t.Label)
	}
	head = append(head, "offers_sent", "offers_redeemed", "offers_redeemed_value", "offers_came_back")
	for _, p := range store.Dayparts {
		for _, c := range []string{"alerts", "ack_median_s", "resolved_while_present", "comps", "comps_total", "follow_ups", "follow_ups_on_time"} {
			head = append(head, string(p)+": "+c)
		}
	}
	return head
}

func summaryRow(week, name string, from, to time.Time, w store.WeekStats, e store.Estimate, recovery []store.Recovery, offers store.OfferStats, open, overdue int) []string {
	rate, okRate := w.ResponseRate()
	avg, okAvg := w.Average()
	happy, okHappy := w.HappyShare()
	med, p90, okAck := w.AckTimes()
	n, total := comps(w.Comps)
	row := []string{week, name, from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly),
		itoa(w.Responses), itoa(w.Covers), itoa(w.CoverDays), ratio(rate, okRate), ratio(avg, okAvg),
		itoa(w.Ratings[0]), itoa(w.Ratings[1]), itoa(w.Ratings[2]), itoa(w.Ratings[3]), itoa(w.Ratings[4]),
		ratio(happy, okHappy), itoa(w.AtTable), itoa(w.Complained.Total()), itoa(w.Complained.Survey), itoa(w.Complained.Unprompted),
		itoa(w.Voiced), itoa(w.InPerson), itoa(w.Requests), itoa(w.Escalated),
		itoa(w.Acknowledged), seconds(med, okAck), seconds(p90, okAck), itoa(w.ResolvedPresent), itoa(n), total,
		itoa(open), itoa(overdue)}
	low, likely, high := views.Whole(e.Unhappy)
	wl, wh := views.WordOfMouth(e)
	ownWeeks := ""
	if e.Voice.Own {
		ownWeeks = itoa(e.Voice.Weeks)
	}
	figures := []string{itoa(low), itoa(likely), itoa(high)}
	if e.NoData() {
		figures = []string{"", "", ""} // no figure without data
	}
	row = append(row, figures...)
	row = append(row, e.Basis, ratio(e.Voice.Rate.Central, true), ownWeeks,
		whole(e.VoiceUnhappy.Low), whole(e.VoiceUnhappy.Central), whole(e.VoiceUnhappy.High))
	if e.HasSample {
		row = append(row, whole(e.SampleUnhappy.Low), whole(e.SampleUnhappy.Central), whole(e.SampleUnhappy.High))
	} else {
		row = append(row, "", "", "")
	}
	if e.NoData() {
		row = append(row, "", "")
	} else {
		row = append(row, itoa(wl), itoa(wh))
	}
	tagCount := func(cs []store.TagCount, key string) string {
		for _, c := range cs {
			if c.Key == key {
				return itoa(c.Count)
			}
		}
		return "0"
	}
	for _, t := range store.Tags(store.Complaint) {
		row = append(row, tagCount(w.Complaints, t.Key))
	}
	for _, t := range store.Tags(store.Praise) {
		row = append(row, tagCount(w.Praise, t.Key))
	}
	_, value := comps(offers.RedeemedValue)
	row = append(row, itoa(offers.Sent), itoa(offers.Redeemed), value, itoa(offers.CameBack))
	for _, rc := range recovery {
		med, ok := rc.AckMedian()
		n, total := comps(rc.Comps)
		row = append(row, itoa(rc.Alerts), seconds(med, ok), itoa(rc.ResolvedPresent), itoa(n), total, itoa(rc.FollowUps), itoa(rc.FollowUpsOnTime))
	}
	return row
}

// SummaryCSV is the summary as a spreadsheet, a row per restaurant and one for
// all together: GET /summary.csv?week=YYYY-Www[&r=SLUG].
func (h *Handler) SummaryCSV(c echo.Context) error {
	sc, s, err := h.loadSummary(c)
	if err != nil {
		return err
	}
	name := "all"
	if sc.slug != "" {
		name = sc.slug
	}
	out := newSheetWriter(c, "tableside-"+name+"-"+s.Week+".csv")
	if err := out.row(summaryHeader()...); err != nil {
		return nil // the client went away
	}
	for _, rw := range s.Restaurants {
		out.row(summaryRow(s.Week, rw.Restaurant.Name, rw.Week.Start, rw.Week.End, rw.Stats, rw.Estimate, rw.Recovery, rw.Offers,
			rw.FollowUpsOpen, rw.FollowUpsOverdue)...)
	}
	if len(s.Restaurants) > 1 {
		out.row(summaryRow(s.Week, "All restaurants", sc.week.Start, sc.week.End, s.This, s.Estimate, s.Recovery, s.Offers,
			s.FollowUpsOpen, s.FollowUpsOverdue)...)
	}
	if err := out.flush(); err != nil {
		h.log.Warn("summary csv", "err", err)
	}
	return nil
}

// MaxExportDays bounds a responses export.
const MaxExportDays = 3 * 366

// ResponsesCSV exports every response of a date range, inclusive, in each
// restaurant's own time zone: GET /responses.csv?from=DATE&to=DATE[&r=SLUG].
func (h *Handler) ResponsesCSV(c echo.Context) error {
	sc, err := h.summaryScope(c)
	if err != nil {
		return err
	}
	from, err1 := time.Parse(time.DateOnly, c.QueryParam("from"))
	to, err2 := time.Parse(time.DateOnly, c.QueryParam("to"))
	switch {
	case err1 != nil || err2 != nil:
		return store.Errorf(store.EInvalid, "Choose the first and last day to export, as dates like 2026-11-16.")
	case to.Before(from):
		return store.Errorf(store.EInvalid, "The last day comes before the first.")
	case to.Sub(from) > MaxExportDays*24*time.Hour:
		return store.Errorf(store.EInvalid, "Export at most three years at a time.")
	}
	name := "all"
	if sc.slug != "" {
		name = sc.slug
	}
	out := newSheetWriter(c, fmt.Sprintf("tableside-%s-responses-%s-to-%s.csv", name, from.Format(time.DateOnly), to.Format(time.DateOnly)))
	if err := out.row("restaurant", "time", "table", "rating", "praise", "complaints", "comment", "at_table",
		"guest_name", "contact", "check_number", "language"); err != nil {
		return nil
	}
	for _, r := range sc.restaurants {
		loc := r.Location()
		start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
		err := h.db.EachResponse(c.Request().Context(), r.ID, start, end, func(resp store.Response) error {
			var praise, complaints []string
			for _, k := range resp.Tags {
				if t, ok := store.LookupTag(k); ok && t.Kind == store.Praise {
					praise = append(praise, t.Label)
				} else if ok {
					complaints = append(complaints, t.Label)
				}
			}
			atTable, rating := "no", "" // no rating: a guest who only asked for someone
			if resp.AtTable {
				atTable = "yes"
			}
			if resp.Rating > 0 {
				rating = itoa(resp.Rating)
			}
			return out.row(r.Name, resp.CreatedAt.In(loc).Format("2006-01-02 15:04"), resp.TableLabel,
				rating, strings.Join(praise, "; "), strings.Join(complaints, "; "), resp.Comment, atTable,
				resp.GuestName, resp.Contact, resp.CheckNumber, resp.Language)
		})
		if err != nil {
			// The header is sent: say so in the file rather than end it silently.
			h.log.Error("responses csv", "err", err)
			out.row("EXPORT INCOMPLETE: " + err.Error())
			break
		}
	}
	if err := out.flush(); err != nil {
		h.log.Warn("responses csv", "err", err)
	}
	return nil
}
