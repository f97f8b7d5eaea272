package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// pushMessage is what the floor's service worker receives and shows
// (static/sw.js): a title and a body in plain words, and where a tap opens.
type pushMessage struct {
	Title  string          `json:"title"`
	Body   string          `json:"body"`
	Tag    string          `json:"tag"` // one notification per alert: a later push replaces it
	URL    string          `json:"url"`
	Urgent bool            `json:"urgent"`
	Alert  int64           `json:"alert"`
	Kind   store.EventKind `json:"kind"`
	Icon   string          `json:"icon,omitempty"`
}

// urgent reports whether an event calls for someone now: an urgent tag, or
// an escalation.
func urgent(e store.Event) bool {
	return e.Kind == store.EventEscalated || slices.Contains(e.Alert.Reasons, store.ReasonUrgent)
}

// escalationWords say who has been told, at each step, as the floor does.
func escalationWords(step int) string {
	return "nobody is on the way yet · " + views.EscalationTold(step)
}

// pushFor is the push of an event, at now, with the icon a notification
// shows.
func pushFor(e store.Event, r store.Restaurant, now time.Time, icon string) pushMessage {
	a := e.Alert
	m := pushMessage{Title: views.AlertHeadline(a), Tag: "alert-" + strconv.FormatInt(a.ID, 10), Urgent: urgent(e), Alert: a.ID, Kind: e.Kind, Icon: icon,
		URL: "/floor?r=" + url.QueryEscape(r.Slug) + "#alert-" + strconv.FormatInt(a.ID, 10)}
	parts := []string{"waiting " + views.Waiting(a.CreatedAt, now)}
	if e.Kind == store.EventEscalated {
		m.Title = "Still waiting · " + m.Title
		parts = append(parts, escalationWords(e.Step))
	}
	if a.Rating > 0 {
		parts = append(parts, fmt.Sprintf("rated %d/5", a.Rating))
	}
	if labels := views.TagLabels(a.Tags); len(labels) > 0 {
		parts = append(parts, strings.Join(labels, ", "))
	}
	if a.Comment != "" {
		parts = append(parts, "“"+cut(a.Comment, 140)+"”")
	}
	m.Body = strings.Join(parts, " · ")
	if len(r.Name) > 0 {
		m.Body = r.Name + " · " + m.Body
	}
	return m
}

// cut shortens s to about n characters, with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}

// webhookType names an event for other tools.
var webhookType = map[store.EventKind]string{
	store.EventRaised: "alert.raised", store.EventAcknowledged: "alert.acknowledged", store.EventEscalated: "alert.escalated",
	store.EventResolved: "alert.resolved", store.EventReopened: "alert.reopened", store.EventFollowUpDue: "follow_up.due",
	store.EventOfferSent: "offer.sent", store.EventOfferRedeemed: "offer.redeemed",
}

// webhookEvent is the JSON body of a webhook delivery, after the Standard
// Webhooks payload structure: a type, a timestamp and the data. The type and
// timestamp are the event's; the data is the alert as it stood when the
// notification was planned, a moment after the event.
type webhookEvent struct {
	Type      string      `json:"type"`
	Timestamp string      `json:"timestamp"`
	Data      webhookData `json:"data"`
}

type webhookData struct {
	Restaurant struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"restaurant"`
	Alert          int64    `json:"alert"`
	Event          int64    `json:"event,omitempty"`
	Table          string   `json:"table"`
	Reasons        []string `json:"reasons"`
	Reason         string   `json:"reason"` // the reasons in words
	Rating         int      `json:"rating,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	Comment        string   `json:"comment,omitempty"`
	AtTable        bool     `json:"at_table"`
	Language       string   `json:"language,omitempty"`
	Receipt        string   `json:"receipt,omitempty"`
	GuestName      string   `json:"guest_name,omitempty"`
	Contact        string   `json:"contact,omitempty"` // only stored, and so only sent, with the guest's consent
	State          string   `json:"state"`
	EscalationStep int      `json:"escalation_step,omitempty"`
	AcknowledgedBy string   `json:"acknowledged_by,omitempty"`
	ResolvedBy     string   `json:"resolved_by,omitempty"`
	Outcome        string   `json:"outcome,omitempty"`
	Comp           *comp    `json:"comp,omitempty"`
	FollowUpAt     string   `json:"follow_up_at,omitempty"`
	CreatedAt      string   `json:"created_at"`
}

// comp is an amount given back, in the currency's minor units (JPY 1200 is
// ¥1,200; EUR 1250 is €12.50), never a float.
type comp struct {
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// webhookFor is the JSON body of an event for a webhook.
func webhookFor(e store.Event, r store.Restaurant) ([]byte, error) {
	a := e.Alert
	d := webhookData{Alert: a.ID, Event: e.ID, Table: a.TableLabel, Reasons: a.Reasons, Reason: strings.Join(views.Why(a), ", "),
		Rating: a.Rating, Tags: a.Tags, Comment: a.Comment, AtTable: a.AtTable, Language: a.Language, Receipt: a.ReceiptID,
		GuestName: a.GuestName, Contact: a.Contact, State: a.State, EscalationStep: a.EscalationStep,
		AcknowledgedBy: a.AckBy, ResolvedBy: a.ResolvedBy, Outcome: a.Outcome, FollowUpAt: rfc3339(a.FollowUpAt),
		CreatedAt: rfc3339(a.CreatedAt)}
	d.Restaurant.Slug, d.Restaurant.Name = r.Slug, r.Name
	if a.Amount.Minor > 0 {
		d.Comp = &comp{AmountMinor: a.Amount.Minor, Currency: a.Amount.Currency}
	}
	if e.Kind == store.EventEscalated {
		d.EscalationStep = e.Step
	}
	return json.Marshal(webhookEvent{Type: webhookType[e.Kind], Timestamp: rfc3339(e.At), Data: d})
}

// slackFor is an event as a Slack or Mattermost incoming webhook's message.
func slackFor(e store.Event, r store.Restaurant) ([]byte, error) {
	a := e.Alert
	var text string
	switch e.Kind {
	case store.EventRaised:
		text = "New alert at " + r.Name + ": " + views.AlertHeadline(a)
	case store.EventEscalated:
		text = "Still waiting at " + r.Name + ": " + views.AlertHeadline(a) + " (" + escalationWords(e.Step) + ")"
	case store.EventAcknowledged:
		text = a.AckBy + " is on the way to " + a.TableLabel + " at " + r.Name
	case store.EventResolved:
		text = a.TableLabel + " at " + r.Name + " was dealt with by " + a.ResolvedBy + ": " + views.OutcomeLabels[a.Outcome]
		if a.Amount.Minor > 0 {
			text += " (" + views.FormatMoney(a.Amount) + ")"
		}
	case store.EventReopened:
		text = a.TableLabel + " at " + r.Name + " is open again: its resolution was undone"
	case store.EventOfferSent:
		text = "An apology with an offer was sent to the guest of " + a.TableLabel + " at " + r.Name
	case store.EventOfferRedeemed:
		text = "A guest came back: the offer for " + a.TableLabel + " was redeemed at " + r.Name
	case store.EventFollowUpDue:
		text = "A follow-up promised at " + r.Name + " is due: " + a.TableLabel + " (how to reach the guest is on the floor's list)"
	}
	if a.Comment != "" && (e.Kind == store.EventRaised || e.Kind == store.EventEscalated) {
		text += " — “" + cut(a.Comment, 200) + "”"
	}
	return json.Marshal(map[string]string{"text": slackText(text)})
}

// slackText makes a message's words, every one of which may come from a
// guest or a member of staff, plain text in Slack and Mattermost: &, < and
// > escaped as Slack asks (so "<!channel>" pings nobody and
// "<https://evil.example|https://pay.example>" is no disguised link), and
// Mattermost's @-mentions and [text](link) broken by an invisible joiner.
var slackText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
	"@channel", "@\u2060channel", "@here", "@\u2060here", "@all", "@\u2060all", "](", "]\u2060(").Replace

// escalationEmail is the email an owner with no phone gets when an alert is
// still open after the last push step (views.EscalationEmail).
func escalationEmail(e store.Event, r store.Restaurant, baseURL string, now time.Time) (subject, text string) {
	return views.EscalationEmail(e.Alert, r.Name, strings.TrimRight(baseURL, "/")+"/floor?r="+url.QueryEscape(r.Slug), now)
}
