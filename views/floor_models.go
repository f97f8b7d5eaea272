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
	// Shifts are the restaurant's sections with who serves each now, to
	// change for the shift; ShiftError says what was wrong with a change.
	Shifts     []ShiftForm
	ShiftError string
	// OfferError is why an offer was not sent; RedeemURL is the door's
	// page.
	OfferError, RedeemURL string
	Currency              string // the restaurant's, for offers' amounts
}

// ShiftForm is one section on the floor: its tables, and the team with who
// serves it now ticked.
type ShiftForm struct {
	Section string
	Tables  string
	Action  string
	ID      int64
	People  []ShiftPerson
}

// ShiftPerson is one of the team, serving the section now or not.
type ShiftPerson struct {
	Name string
	On   bool
}

// FollowUp is a call or message promised to a guest, not yet marked done.
type FollowUp struct {
	Table, Due, Contact, Note, Complaint string
	Overdue                              bool
	DoneURL, OfferURL                    string
	Offers                               string // OffersLine
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
	OfferURL   string // where an apology with an offer is sent
	Offers     string // the offers sent so far (OffersLine)
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

// RecentResponse is one survey response in the floor's recent list; one
// that raised an alert can be answered with an offer (OfferURL) and says
// what offers it had (Offers).
type RecentResponse struct {
	Time     string
	Table    string
	Rating   int
	Tags     []string
	Comment  string
	AtTable  bool
	Offers   string
	OfferURL string
}

// Resolved is the floor's word after a resolution, with the form that
// takes it back (store.UndoWindow).
type Resolved struct {
	Text    string
	UndoURL string
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
