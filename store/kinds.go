package store

// EventKind is what happened to an alert, as the event log records it, the
// live views receive it and webhooks name it (the wire's words: they never
// change). EventKinds is the CHECK on events.kind in both engines' schemas
// (TestEventKindsAreTheSchemas).
type EventKind string

// The kinds of event, in the order an alert meets them.
const (
	EventRaised       EventKind = "raised"
	EventAcknowledged EventKind = "acknowledged"
	EventResolved     EventKind = "resolved"
	// EventReopened is a resolution taken back (UndoResolve).
	EventReopened    EventKind = "reopened"
	EventEscalated   EventKind = "escalated"
	EventFollowUpDue EventKind = "follow-up-due"
	// EventOfferSent and EventOfferRedeemed are an offer that wins back a
	// guest who left, sent and then used (offers.go).
	EventOfferSent     EventKind = "offer-sent"
	EventOfferRedeemed EventKind = "offer-redeemed"
)

// EventKinds lists every kind of event.
var EventKinds = []EventKind{EventRaised, EventAcknowledged, EventResolved, EventReopened, EventEscalated, EventFollowUpDue,
	EventOfferSent, EventOfferRedeemed}
