package views

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// Webhooks is an owner's page of the tools that hear of alerts: each with
// its latest deliveries, and the form to add one.
type Webhooks struct {
	Restaurant string
	AddURL     string
	Hooks      []WebhookRow
	URL        string // the add form as typed
	Format     string
	Error      string
	// Added is the webhook just added, with its secret shown this once.
	Added  string
	Secret string
	Flash  string
}

// WebhookRow is one webhook and its delivery log.
type WebhookRow struct {
	ID         int64
	URL        string
	Format     string // in words
	Added      string
	TestURL    string
	RemoveURL  string
	Deliveries []DeliveryRow
}

// DeliveryRow is one delivery to a webhook, in words.
type DeliveryRow struct {
	When   string
	What   string
	Status string
	Class  string // "sent", "waiting" or "failed"
	Detail string // the receiver's answer or the error
}

// WebhookFormats are the formats an owner may choose, in words.
var WebhookFormats = []Option{
	{Value: store.FormatJSON, Label: "Signed JSON (Standard Webhooks), for your own tools, Zapier, n8n"},
	{Value: store.FormatSlack, Label: "Slack or Mattermost incoming webhook"},
}

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
