package views

import (
	"slices"
	"strconv"

	"github.com/tableside/tableside/store"
)

// Floor is the floor tablet's page.
type Floor struct {
	Title       string // the document title without the count: "Floor — Demo Bistro"
	Restaurant  string
	Slug        string
	Others      []NavLink // the user's other restaurants
	Cards       []AlertCard
	Recent      []RecentResponse
	Tables      []store.Table
	Complaints  []store.Tag
	EventsURL   string
	LastEventID int64
	// StaleAfterMs is how long the page waits without hearing from its
	// stream (pings included) before it takes it for dead and reconnects.
	StaleAfterMs int64
	InPerson     InPersonForm
	Notify       NotifyForm
	FollowUps    []FollowUp
	Flash        string
	// Resolved is what the last resolution on this tablet did, with Undo;
	// nil when there is none to show.
	Resolved *Resolved
}

// FollowUp is a call or message promised to a guest, not yet marked done.
type FollowUp struct {
	Table, Due, Contact, Note, Complaint string
	Overdue                              bool
	DoneURL                              string
}

// AlertCard is one alert on the floor, as a card. The event stream sends the
// same card, rendered by the same component.
type AlertCard struct {
	ID      int64
	Table   string
	Why     []string // plain words for the reasons
	Rating  int
	Tags    []string // labels
	Comment string
	AtTable bool
	Guest   string
	// Language is the diner's, in English ("French"), when it is not the
	// restaurant's default: the manager can greet the guest in it.
	Language   string
	Contact    string
	State      string
	Escalated  bool
	EscLabel   string // how far the escalation has gone, in words
	CreatedMs  int64  // for the live waiting time
	Waiting    string // the waiting time when rendered ("3:07"), for pages without JavaScript
	AckBy      string
	AckAt      string // local time
	AckURL     string
	ResolveURL string
	Slug       string
	CSRF       string
	Currency   string   // ISO 4217 code of amounts
	Going      []Person // who may be sent: the restaurant's staff, the viewer first
	Resolve    ResolveForm
}

// Person is a member of staff who can be named as going to a table.
type Person struct {
	ID   int64
	Name string
}

// Reasons are what the board says at a glance of why the guest called:
// what they ticked, in their words, then why it was raised where a tick does
// not say it ("asked for someone", "told in person"). The rating, the
// language and "at the table" have chips of their own.
func (c AlertCard) Reasons() []string {
	out := slices.Clone(c.Tags)
	for _, w := range c.Why {
		if w != reasonWords[store.ReasonLowRating] && (w != reasonWords[store.ReasonUrgent] || len(c.Tags) == 0) {
			out = append(out, w)
		}
	}
	return out
}

// Urgent reports whether the card is escalated and nobody is on the way yet:
// such cards come first, labelled in words.
func (c AlertCard) Urgent() bool { return c.Escalated && c.State == store.StateOpen }

// FloorTitle is the floor's document title with the count of open alerts in
// front, so a tablet on another tab or app still shows it: "(3) Floor — Demo
// Bistro".
func FloorTitle(title string, open int) string {
	if open == 0 {
		return title
	}
	return "(" + strconv.Itoa(open) + ") " + title
}

// ResolveForm is what a manager typed in a card's resolve form.
type ResolveForm struct {
	Outcome     string
	Amount      string
	FollowDate  string
	FollowTime  string
	FollowWho   string
	Note        string
	Error       string
	DefaultOpen bool
}

// InPersonForm is the "log a complaint told in person" form.
type InPersonForm struct {
	Action  string
	Key     string // idempotency key: a resent form logs the complaint once
	TableID string
	Tags    []string
	Note    string
	Error   string
}

// RecentResponse is one survey response in the floor's recent list.
type RecentResponse struct {
	Time    string
	Table   string
	Rating  int
	Tags    []string
	Comment string
	AtTable bool
}

// Resolved is the floor's word after a resolution, with the form that
// takes it back (store.UndoWindow).
type Resolved struct {
	Text    string
	UndoURL string
}

// OutcomeLabels says each resolution outcome in words.
var OutcomeLabels = map[string]string{
	store.OutcomeApologised: "Apologised",
	store.OutcomeReplaced:   "Replaced the dish",
	store.OutcomeCompedItem: "Comped an item",
	store.OutcomeCompedBill: "Comped the bill",
	store.OutcomeDiscount:   "Discount",
	store.OutcomeFollowUp:   "Follow-up scheduled",
	store.OutcomeGuestLeft:  "Guest had left",
}

// Overview is an owner's page for one restaurant.
type Overview struct {
	Restaurant string
	Escalated  []AlertCard
	Links      []NavLink
}

// Basics is what a restaurant is called and where it is, as typed: on the
// settings page and the new-restaurant page.
type Basics struct {
	Name, Slug, TimeZone, Currency string
	Languages                      []string // offered to diners
	Default                        string   // the default language
	// ShowSlug asks for the slug too (a new restaurant's; it never changes).
	ShowSlug bool
}

// Offers reports whether the language is offered.
func (b Basics) Offers(tag string) bool { return slices.Contains(b.Languages, tag) }

// LanguageName is a diner language in its own words (its catalogue's) and,
// for the owner choosing it, in English: "Français — French".
func LanguageName(tag string) string {
	if tag == "en" {
		return Name(tag)
	}
	return Name(tag) + " — " + LanguageInEnglish(tag)
}

// PageLanguage is the lang and dir of a diner's page for the diner's
// language: theirs where Tableside speaks it, else English.
func PageLanguage(tag string) (lang, dir string) {
	if _, ok := locales[tag]; !ok {
		tag = "en"
	}
	return tag, TextDirection(tag)
}

// NewRestaurant is the page where an owner adds another restaurant.
type NewRestaurant struct {
	Action string
	Basics Basics
	Errors FieldErrors
}

// Settings is the owner's settings page.
type Settings struct {
	Restaurant   string
	Action       string
	Basics       Basics
	MaxRating    int
	UrgentTags   bool
	AtTable      bool
	EscalateMins string
	// The weekly summary's voice-rate range, as percentages, and team names.
	VoiceLow, VoiceCentral, VoiceHigh string
	TeamNames                         string
	Errors                            FieldErrors
	Saved                             bool
	// Read-only API tokens: the list, the form to make one, and a new
	// token's secret, shown once.
	APITokens   []APITokenRow
	TokenAction string
	TokenName   string
	TokenError  string
	NewToken    string
	SummaryJSON string // an example URL of the API, for this restaurant
}

// APITokenRow is one API token on the settings page.
type APITokenRow struct {
	Name, Prefix, Created, LastUsed, RevokeURL string
}

// Staff is the owner's page of managers.
type Staff struct {
	Restaurant string
	Members    []StaffRow
	InviteURL  string
	Email      string
	Name       string
	Errors     FieldErrors
	// Invited is whom an invitation was just made for, with the link to
	// pass on; Mailed says it was emailed to them too.
	Invited, InvitedEmail, Link string
	Mailed                      bool
}

// StaffRow is one person on the staff page.
type StaffRow struct {
	Name      string
	Email     string
	Role      string
	RemoveURL string // empty for owners
}

// NotifyForm is what one person has pushed to their phone about the
// restaurant: the "Notify this phone" switch (the script's, with where it
// gets the key and subscribes) and the settings form.
type NotifyForm struct {
	Action                               string
	KeyURL, SubscribeURL, UnsubscribeURL string
	Level                                string // store.NotifyLevel
	QuietFrom, QuietTo                   string // "22:00", or "" for none
	Error                                string
}

// NotifyLevels are the choices of what to be told, in words.
var NotifyLevels = []Option{
	{Value: string(store.NotifyAll), Label: "Every alert, as it comes"},
	{Value: string(store.NotifyUrgent), Label: "Urgent alerts, and any nobody has taken"},
	{Value: string(store.NotifyEscalated), Label: "Only alerts nobody has taken in time"},
	{Value: string(store.NotifyOff), Label: "Nothing"},
}

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

// Privacy is the owner's page for a guest's data: export it, or erase it.
type Privacy struct {
	Restaurant                string
	ExportAction, EraseAction string
	RetainDays                int
	Contact                   string // as typed
	Error                     string
	Nothing                   bool           // nothing is held about that guest
	Erased                    *store.Erasure // what an erasure just removed
}
