package views

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

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
		OfferURL: OfferPath(r, a.ID), Offers: OffersLine(a.Offers),
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

// NewShiftForms are the floor's sections, each with the team and who
// serves it now ticked; action is where a change posts.
func NewShiftForms(sections []store.Section, shift store.Shift, team []string, action string) []ShiftForm {
	var out []ShiftForm
	for _, s := range sections {
		f := ShiftForm{Section: s.Name, Tables: strings.Join(s.Tables, ", "), Action: action, ID: s.ID}
		for _, name := range team {
			f.People = append(f.People, ShiftPerson{Name: name, On: slices.Contains(shift[s.ID], name)})
		}
		out = append(out, f)
	}
	return out
}
