// Package views holds Tableside's templ components. Components take typed view
// models built by the handlers and never see the request.
package views

import "github.com/tableside/tableside/store"

// Page is what every page's layout needs.
type Page struct {
	Title string
	CSS   string // hashed URL of the stylesheet
	Icon  string // hashed URL of the favicon
	// Refresh, when positive, reloads the page after that many seconds where
	// JavaScript does not run: the fallback for following a live state.
	Refresh int
	// Scripts are hashed URLs of our scripts; every page works without them.
	Scripts []string
	// Nav is the staff navigation, on staff pages only.
	Nav *Nav
}

// Nav is the bar at the top of staff pages.
type Nav struct {
	Name  string // who is signed in
	CSRF  string
	Links []NavLink
}

// NavLink is one link of the staff navigation.
type NavLink struct {
	Label   string
	URL     string
	Current bool
}

// Login is the sign-in page.
type Login struct {
	Email string
	Next  string
	CSRF  string
	Error string
}

// FieldErrors maps a form field's name to the message shown next to it.
type FieldErrors map[string]string

// SurveyInput is what a diner typed, kept as typed so that a form with an error
// comes back exactly as it was sent.
type SurveyInput struct {
	Key     string // idempotency key: the same for every resend of this form
	Check   string // receipt number from ?check=, if the QR was on a receipt
	Rating  string
	Tags    []string
	Comment string
	AtTable bool
	Name    string
	Contact string
	Consent bool
}

// HasTag reports whether the diner ticked the tag.
func (in SurveyInput) HasTag(key string) bool {
	for _, t := range in.Tags {
		if t == key {
			return true
		}
	}
	return false
}

// Survey is the survey page's model.
type Survey struct {
	Action     string // where the form posts: /t/TOKEN
	Restaurant string
	Table      string
	Input      SurveyInput
	Errors     FieldErrors
	Praise     []store.Tag
	Complaints []store.Tag
	MaxComment int
	MaxName    int
	MaxContact int
}

// RatingChoice is one of the five rating buttons.
type RatingChoice struct {
	Value string
	Word  string
}

// RatingChoices are the five ratings, worst first.
var RatingChoices = []RatingChoice{{"1", "Awful"}, {"2", "Poor"}, {"3", "Okay"}, {"4", "Good"}, {"5", "Great"}}

// Alert states a receipt can show, in the order an alert goes through them.
const (
	AlertRaised       = "open"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
)

// ReceiptAlert is the state of the alert a response raised.
type ReceiptAlert struct {
	State     string // AlertRaised, AlertAcknowledged or AlertResolved
	Staff     string // first name of who acknowledged or resolved it
	EventsURL string // the live stream of this alert's state
}

// Text is what the diner reads about their alert.
func (a ReceiptAlert) Text() string {
	switch a.State {
	case AlertAcknowledged:
		return a.Staff + " is on the way."
	case AlertResolved:
		return a.Staff + " has taken care of it."
	}
	return "A manager has been told. Someone will be with you shortly."
}

// Receipt is the thank-you page's model.
type Receipt struct {
	Restaurant string
	Table      string
	GuestName  string
	Rating     int
	Comment    string
	// Alert is nil when the response raised no alert.
	Alert *ReceiptAlert
}

// TableRow is one table on the owner's tables page.
type TableRow struct {
	Label     string
	SurveyURL string
	QRSVG     string // inline SVG made by the handlers' QR encoder: markup we generate, no input
	QRURL     string
	RotateURL string
	RetireURL string
}

// Tables is the owner's tables page.
type Tables struct {
	Restaurant string
	Rows       []TableRow
	CardsURL   string
	AddURL     string
	AddLabel   string
	Errors     FieldErrors
	Flash      string
}

// Card is one printable table card.
type Card struct {
	Restaurant string
	Label      string
	SurveyURL  string
	QRSVG      string
}

// Home is the landing page's model.
type Home struct {
	Demo           bool   // the demo is running: show its logins
	DemoSurveyURL  string // a table's survey, shown only when the demo is running
	DemoSurveyName string
}
