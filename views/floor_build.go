package views

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// reasonWords says why an alert was raised, in the floor's words.
var reasonWords = map[string]string{
	store.ReasonLowRating: "low rating",
	store.ReasonUrgent:    "urgent",
	store.ReasonAtTable:   "complaint",
	store.ReasonInPerson:  "told in person",
	store.ReasonAsked:     "asked for someone",
}

// Why says in plain words why an alert was raised: "low rating", "asked for
// someone". A complaint at the table is left to "still at the table", which
// the card says already.
func Why(a store.Alert) []string {
	var why []string
	for _, reason := range a.Reasons {
		if reason != store.ReasonAtTable || !a.AtTable {
			why = append(why, reasonWords[reason])
		}
	}
	return why
}

// TagLabels are the labels of tag keys, for people; unknown keys are left out.
func TagLabels(keys []string) []string {
	labels := make([]string, 0, len(keys))
	for _, k := range keys {
		if t, ok := store.LookupTag(k); ok {
			labels = append(labels, t.Label)
		}
	}
	return labels
}

// firstName is how a guest is told who is coming: "Sam", not "Sam Patel".
func firstName(name string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return first
}

// Waiting says how long a guest has waited: "under a minute", "3 min",
// "1 h 5 min".
func Waiting(since, now time.Time) string {
	d := now.Sub(since)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// waitingClock is a waiting time as the board's clock shows it, "3:07",
// minutes past the hour too ("75:00"): the same as floor.js ticks it, so the
// page's first paint and its script agree.
func waitingClock(since, now time.Time) string {
	s := max(0, int(now.Sub(since)/time.Second))
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// CardViewer is who an alert card is rendered for: the forms carry their CSRF
// token, and "On my way" offers the restaurant's staff, the viewer first.
type CardViewer struct {
	Restaurant store.Restaurant
	CSRF       string
	Staff      []store.StaffMember
	Me         int64
}

// EscalationTold says who has been told of an alert nobody has taken, at
// its escalation step (store.EscalationRung): every manager again, then the
// owners, then everyone, again and again.
func EscalationTold(step int) string {
	switch store.EscalationRung(max(step, 1)).Audience {
	case store.AudienceManagers:
		return "every manager told again"
	case store.AudienceOwners:
		return "the owners told"
	}
	return fmt.Sprintf("everyone told, %d reminders", step)
}

// escalationLabel is an escalated card's label.
func escalationLabel(step int) string {
	return "Escalated: nobody is on the way yet · " + EscalationTold(step)
}

// NewAlertCard lays out the card of an alert for a viewer, at now.
func NewAlertCard(a store.Alert, v CardViewer, now time.Time) AlertCard {
	r := v.Restaurant
	loc := r.Location()
	base := "/floor/alerts/" + strconv.FormatInt(a.ID, 10)
	c := AlertCard{
		ID: a.ID, Table: a.TableLabel, Rating: a.Rating, Tags: TagLabels(a.Tags), Comment: a.Comment,
		AtTable: a.AtTable, Guest: a.GuestName, Contact: a.Contact, State: a.State, Escalated: a.Escalated,
		CreatedMs: a.CreatedAt.UnixMilli(), Waiting: waitingClock(a.CreatedAt, now), AckBy: a.AckBy,
		AckURL: base + "/ack?r=" + url.QueryEscape(r.Slug), ResolveURL: base + "/resolve?r=" + url.QueryEscape(r.Slug),
		Slug: r.Slug, CSRF: v.CSRF, Currency: r.Currency,
		Resolve: ResolveForm{FollowWho: a.Contact},
	}
	if c.Table == "" {
		c.Table = "No table"
	}
	c.EscLabel = escalationLabel(a.EscalationStep)
	if a.Language != "" && (len(r.Languages) == 0 || a.Language != r.Languages[0]) {
		c.Language = LanguageInEnglish(a.Language)
	}
	if !a.AckAt.IsZero() {
		c.AckAt = a.AckAt.In(loc).Format("15:04")
	}
	c.Why = Why(a)
	for _, m := range v.Staff {
		p := Person{ID: m.User.ID, Name: m.User.Name}
		if m.User.ID == v.Me {
			c.Going = append([]Person{p}, c.Going...)
		} else {
			c.Going = append(c.Going, p)
		}
	}
	return c
}

// ResolvedNote says on the floor what a resolution did, so a tap on the
// wrong card is seen at once: "Table 7 resolved · Comped the bill · £12.50".
func ResolvedNote(a store.Alert) string {
	s := cmp.Or(a.TableLabel, "In person") + " resolved · " + OutcomeLabels[a.Outcome]
	if a.Amount.Minor > 0 {
		s += " · " + FormatMoney(a.Amount)
	}
	return s
}

// FloorOrder sorts cards as the floor shows them: escalated ones nobody has
// taken above the rest, then the longest waiting first.
func FloorOrder(a, b AlertCard) int {
	if ea, eb := a.Urgent(), b.Urgent(); ea != eb {
		if ea {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.CreatedMs, b.CreatedMs)
}

// NewReceiptAlert is the receipt's view of an alert, followed live at events.
func NewReceiptAlert(a store.Alert, events string) *ReceiptAlert {
	lang, _ := PageLanguage(a.Language)
	ra := &ReceiptAlert{State: a.State, AtTable: a.AtTable, Escalated: a.Escalated, Outcome: a.Outcome,
		Asked: slices.Equal(a.Reasons, []string{store.ReasonAsked}), EventsURL: events, Lang: lang}
	switch a.State {
	case store.StateAcknowledged:
		ra.Staff = firstName(a.AckBy)
	case store.StateResolved:
		ra.Staff = firstName(a.ResolvedBy)
	}
	return ra
}

// DayTime writes a day and time in the week: "Mon 2 Jan 15:04".
func DayTime(t time.Time) string { return t.Format("Mon 2 Jan 15:04") }

// WeekdayTime writes a time this week: "Mon 15:04".
func WeekdayTime(t time.Time) string { return t.Format("Mon 15:04") }

// NewDeliveryRow describes a delivery for the owner's log, in the
// restaurant's zone: when, what it told, and how it went.
func NewDeliveryRow(d store.Delivery, loc *time.Location) DeliveryRow {
	row := DeliveryRow{When: DayTime(d.CreatedAt.In(loc)), What: deliveryWhat(d.Payload)}
	answer := d.LastError
	if d.LastCode != 0 {
		answer = strings.TrimSpace("HTTP " + strconv.Itoa(d.LastCode) + " " + http.StatusText(d.LastCode) + ". " + d.LastError)
	}
	switch {
	case d.Status == store.DeliverySent:
		row.Status, row.Class = "Delivered", "sent"
	case d.Status == store.DeliveryFailed:
		row.Status, row.Class = "Gave up after "+Count(d.Attempts)+" attempts", "failed"
	case d.Status == store.DeliveryGone:
		row.Status, row.Class = "Not sent: its target was removed", "failed"
	case d.Attempts == 0:
		row.Status, row.Class = "Waiting to be sent", "waiting"
	default:
		row.Status, row.Class = "Failed "+Count(d.Attempts)+"×; trying again at "+d.NextAt.In(loc).Format("15:04:05"), "waiting"
	}
	row.Detail = strings.TrimSuffix(answer, ".")
	return row
}

// deliveryWhat is what a delivery told: its event type, or a Slack
// message's first words.
func deliveryWhat(payload string) string {
	var m struct{ Type, Text string }
	if json.Unmarshal([]byte(payload), &m) != nil {
		return ""
	}
	if m.Type != "" {
		return m.Type
	}
	if r := []rune(m.Text); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return m.Text
}
