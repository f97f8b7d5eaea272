package views

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/tableside/tableside/store"
)

// NewReceiptAlert is the receipt's view of an alert, followed live at events.
func NewReceiptAlert(a store.Alert, events string) *ReceiptAlert {
	lang, _ := PageLanguage(a.Language)
	ra := &ReceiptAlert{State: a.State, AtTable: a.AtTable, Escalated: a.Escalated, Outcome: a.Outcome,
		Asked: slices.Equal(a.Reasons, []string{store.ReasonAsked}), EventsURL: events, Lang: lang}
	switch a.State {
	case store.StateAcknowledged:
		ra.Staff = FirstName(a.AckBy)
	case store.StateResolved:
		ra.Staff = FirstName(a.ResolvedBy)
	}
	return ra
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
	// Reviews invite every guest alike to review the restaurant publicly,
	// whatever they said (no review gating).
	Reviews []ReviewLink
	// Offers are the apologies with something for their next visit sent to
	// this guest, with their codes, newest first.
	Offers []*OfferView
	// OffersState is OffersState of the offers shown: the page reloads
	// when its stream says they changed.
	OffersState string
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

// ReviewLink is where a guest may review the restaurant, named by its site.
type ReviewLink struct{ Label, URL string }

// ReviewLinks names each of a restaurant's review links by its site:
// "Google", "Tripadvisor", else its host.
func ReviewLinks(links []string) []ReviewLink {
	var out []ReviewLink
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil {
			continue
		}
		host := strings.TrimPrefix(u.Hostname(), "www.")
		label := host
		for _, site := range []struct{ match, name string }{{"google.", "Google"}, {"g.page", "Google"}, {"tripadvisor.", "Tripadvisor"},
			{"yelp.", "Yelp"}, {"facebook.", "Facebook"}, {"thefork.", "TheFork"}, {"opentable.", "OpenTable"}} {
			if strings.Contains(host, site.match) {
				label = site.name
				break
			}
		}
		out = append(out, ReviewLink{Label: label, URL: u.String()})
	}
	return out
}
