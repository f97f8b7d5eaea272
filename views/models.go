// Package views holds Tableside's templ components. Components take typed view
// models built by the handlers and never see the request.
package views

import (
	"cmp"

	"github.com/tableside/tableside/store"
)

// Page is what every page's layout needs.
type Page struct {
	Title string
	// Lang is the page's language (BCP 47) and Dir its direction, "rtl" for
	// Arabic; empty, English left to right.
	Lang, Dir string
	CSS       string // hashed URL of the stylesheet
	// Style and Script, on a diner's page, are its CSS and JavaScript,
	// inlined (the Content-Security-Policy allows them by hash) so the page
	// paints after one round trip; Style replaces the stylesheet.
	Style, Script string
	// NoIndex asks search engines to leave the page out: a table's survey
	// and a diner's receipt are nobody's search result.
	NoIndex bool
	Icon    string // hashed URL of the favicon
	// Refresh, when positive, reloads the page after that many seconds where
	// JavaScript does not run: the fallback for following a live state.
	Refresh int
	// Scripts are hashed URLs of our scripts; every page works without them.
	Scripts []string
	// Nav is the staff navigation, on staff pages only.
	Nav *Nav
	// Manifest, when set, is the web app manifest that lets the page be
	// installed to a home screen; ThemeColor colours the browser's bar.
	Manifest   string
	ThemeColor string
}

// Nav is the bar at the top of staff pages.
type Nav struct {
	Name  string // who is signed in
	CSRF  string
	Links []NavLink
}

// CurrentLabel names the menu on a phone: "Menu · Floor", or "Menu" on a
// page that is not one of its links.
func (n Nav) CurrentLabel() string {
	for _, l := range n.Links {
		if l.Current {
			return "Menu · " + l.Label
		}
	}
	return "Menu"
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
	T          T      // the language it is shown in, kept on the form
	Action     string // where the form posts: /t/TOKEN
	Restaurant string
	Table      string
	// Languages are the restaurant's, each with the link that shows this
	// survey in it (the switcher, which needs no JavaScript).
	Languages  []LanguageLink
	Input      SurveyInput
	Errors     FieldErrors
	Focus      string // the field a re-rendered form puts the diner in: the first wrong one
	Praise     []store.Tag
	Complaints []store.Tag
	MaxComment int
	MaxName    int
	MaxContact int
	RetainDays int // how long contact details are kept; 0: until erased
}

// LanguageLink is one language of the survey's switcher.
type LanguageLink struct {
	Tag  string // "fr"
	Name string // in its own words: "Français"
	URL  string
}

// ReceiptAlert is where the alert a response raised stands, as its diner is
// told.
type ReceiptAlert struct {
	State     string // store.StateOpen, StateAcknowledged or StateResolved
	Asked     bool   // raised only because the diner asked for someone
	AtTable   bool   // the diner said they were still at the table
	Escalated bool   // nobody said they were on the way in time
	Outcome   string // what was done, once resolved
	Staff     string // first name of who acknowledged or resolved it
	EventsURL string // the live stream of this alert's state
	Lang      string // the diner's language
}

// Text is what the diner reads about their alert, in their language: always
// what is true now. A guest who has gone is never told it was taken care
// of, and one who is waiting too long is told that someone is still being
// found.
func (a ReceiptAlert) Text() string {
	t := Translator(a.Lang)
	who := cmp.Or(a.Staff, t.S("alert.someone"))
	switch a.State {
	case store.StateResolved:
		switch a.Outcome {
		case store.OutcomeGuestLeft:
			return t.S("alert.guest-left")
		case store.OutcomeFollowUp:
			return t.S("alert.follow-up", who)
		}
		if !a.AtTable {
			return t.S("alert.dealt-with", who)
		}
		return t.S("alert.taken-care", who)
	case store.StateAcknowledged:
		if !a.AtTable {
			return t.S("alert.read", who)
		}
		return t.S("alert.on-the-way", who)
	}
	switch {
	case !a.AtTable:
		return t.S("alert.will-read")
	case a.Escalated:
		return t.S("alert.still-finding")
	case a.Asked:
		return t.S("alert.asked")
	}
	return t.S("alert.told")
}

// Live reports whether the alert may still change in a way the diner should
// see: until it is resolved.
func (a ReceiptAlert) Live() bool { return a.State != store.StateResolved }

// Receipt is the thank-you page's model.
type Receipt struct {
	T          T // in the survey's language
	Restaurant string
	Table      string
	GuestName  string
	// What the guest told us, all of it, repeated in their language.
	Rating  int      // 0: none given
	AtTable bool     // they asked for someone to come to the table
	Tags    []string // the keys of what they ticked
	Comment string
	// Edit, after the diner sent the form again with changes, is the
	// message saying whether they were made ("receipt.updated" or
	// "receipt.too-late").
	Edit string
	// Alert is nil when the response raised no alert.
	Alert *ReceiptAlert
}

// Ticked are the receipt's ticks of one kind (store.Praise or
// store.Complaint), in the guest's language.
func (r Receipt) Ticked(kind store.TagKind) []string {
	var out []string
	for _, k := range r.Tags {
		if t, ok := store.LookupTag(k); ok && t.Kind == kind {
			out = append(out, r.T.S("tag."+k))
		}
	}
	return out
}

// Close is the receipt's last line: keep the page open while someone is
// being sent to the table, else close it.
func (r Receipt) Close() string {
	if r.Alert != nil && r.Alert.Live() {
		return cmp.Or(r.closeWaiting(), r.T.S("receipt.close"))
	}
	return r.T.S("receipt.close")
}

// closeWaiting is the last line while someone is being sent to the
// table, and "" for a guest who is not there.
func (r Receipt) closeWaiting() string {
	if r.Alert == nil || !r.Alert.AtTable {
		return ""
	}
	return r.T.S("receipt.close.waiting")
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
	// UndoURL, after a new QR code or a retired table, undoes it.
	UndoURL, UndoLabel string
	Retired            []RetiredTable
}

// RetiredTable is a table out of service, which can be brought back.
type RetiredTable struct {
	Label, RestoreURL string
}

// Cards is the printable sheet of a restaurant's table cards.
type Cards struct {
	Restaurant string
	Cards      []Card
	PerPage    int // cards on each A4 or US Letter page
	Pages      int
	// Invites are the call to scan, in the one or two languages picked
	// from the restaurant's Languages.
	Invites   []CardInvite
	Languages []LanguageChoice
}

// CardInvite is a table card's call to scan, in one language.
type CardInvite struct{ Lang, Dir, Text string }

// LanguageChoice is one of a restaurant's languages, to pick.
type LanguageChoice struct {
	Tag, Name string
	Checked   bool
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

// Account is a staff member's own page: their name, their password, and
// where they are signed in.
type Account struct {
	Email, Name                                 string
	NameAction, PasswordAction, EndOthersAction string
	Sessions                                    []SessionRow
	Errors                                      FieldErrors
	Flash                                       string
}

// SessionRow is one browser signed in to an account.
type SessionRow struct {
	Device, Address, Started, LastSeen string
	Current                            bool
}

// Forgot is the form that asks for a password reset link.
type Forgot struct {
	CSRF, Email string
	// Mail says whether this server can send email; without it the page
	// says whom to ask instead.
	Mail, Sent bool
	Error      string
}

// Reset is the form that sets a new password from a reset link.
type Reset struct {
	CSRF, Action, Email string
	Errors              FieldErrors
}

// Invite is the page of an invitation to work at a restaurant.
type Invite struct {
	CSRF, Action     string
	Restaurant, Role string
	Email, Name      string
	SignInURL        string
	SignedInAs       string // the account signed in now, if any
	Errors           FieldErrors
}
