package store

import "time"

// Why an alert was raised.
const (
	ReasonLowRating = "low-rating" // rated at or below the restaurant's threshold
	ReasonUrgent    = "urgent"     // an urgent tag: something in the food, an allergy
	ReasonAtTable   = "at-table"   // a complaint while the diner is still at the table
	ReasonInPerson  = "in-person"  // told to a manager, logged on the floor tablet
	// ReasonAsked: "I'm still at the table — please send someone" with nothing
	// else that calls for an alert. It is a request, not a complaint, and is
	// counted apart from complaints in the summary.
	ReasonAsked = "asked"
)

// AlertRules decide which survey responses call a manager to the table. Each
// restaurant has its own; DefaultAlertRules are the product's defaults.
type AlertRules struct {
	MaxRating     int  // a rating at or below this raises an alert; 0 turns the rule off
	UrgentTags    bool // an urgent tag raises an alert whatever the rating
	AtTable       bool // a complaint made while still at the table raises an alert
	EscalateAfter time.Duration
}

// DefaultAlertRules are the rules a new restaurant starts with: rating 2 or
// less, any urgent tag, any complaint at the table; escalate after three
// minutes.
func DefaultAlertRules() AlertRules {
	return AlertRules{MaxRating: 2, UrgentTags: true, AtTable: true, EscalateAfter: 3 * time.Minute}
}

// Reasons says why a response should raise an alert; none means it should
// not. A complaint is a rating of 3 or less or any complaint tag. A diner who
// asks for someone always raises an alert, whatever the rules and the rating
// (none, 0, too): the receipt promises them that someone is coming.
func (r AlertRules) Reasons(rating int, tags []string, atTable bool) []string {
	var reasons []string
	rated := rating >= 1 // 0: none given
	if rated && rating <= r.MaxRating {
		reasons = append(reasons, ReasonLowRating)
	}
	complaint, urgent := rated && rating <= 3, false
	for _, key := range tags {
		t, ok := LookupTag(key)
		if ok && t.Kind == Complaint {
			complaint = true
			urgent = urgent || t.Urgent
		}
	}
	if r.UrgentTags && urgent {
		reasons = append(reasons, ReasonUrgent)
	}
	if r.AtTable && atTable && complaint {
		reasons = append(reasons, ReasonAtTable)
	}
	if atTable && len(reasons) == 0 {
		reasons = append(reasons, ReasonAsked)
	}
	return reasons
}
