package views

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

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

// FirstName is how a person is named to guests and on the team: "Sam",
// not "Sam Patel".
func FirstName(name string) string {
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

// AlertHeadline names the table and why: "Table 4: asked for someone, still
// at the table", as pushes, webhooks' messages and emails begin.
func AlertHeadline(a store.Alert) string {
	why := Why(a)
	if a.AtTable {
		why = append(why, "still at the table")
	}
	return cmp.Or(a.TableLabel, "No table") + ": " + strings.Join(why, ", ")
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
