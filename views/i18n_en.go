package views

// english is the diners' catalogue in English: the reference every other
// language follows. %[1]s and the like are the arguments, in order.
var english = map[string]any{
	// The receipt.
	"receipt.title":       "Thank you",
	"receipt.thanks":      "Thank you!",
	"receipt.thanks.name": "Thank you, %[1]s!",
	"receipt.reached":     "Your feedback has reached the team at %[1]s.",
	"receipt.told":        "What you told us",
	"receipt.rating":      Plural{"one": "Rating: %[1]d out of 5", "other": "Rating: %[1]d out of 5"},
	"receipt.close":       "You can close this page. Keep it open if you asked for someone to come over.",

	// Where the alert a diner raised stands (ReceiptAlert.Text).
	"alert.someone":       "Someone from the team",
	"alert.guest-left":    "We're sorry we missed you. The manager has read what you told us.",
	"alert.follow-up":     "%[1]s will be in touch with you, as promised.",
	"alert.dealt-with":    "%[1]s has read this and dealt with it. Thank you for telling us.",
	"alert.taken-care":    "%[1]s has taken care of it. Thank you for telling us.",
	"alert.read":          "%[1]s has read what you told us. Thank you.",
	"alert.on-the-way":    "%[1]s is on the way.",
	"alert.will-read":     "Thank you — the manager will read this.",
	"alert.still-finding": "We're still finding someone to come to your table. Sorry for the wait.",
	"alert.asked":         "We've asked someone to come to your table. They'll be with you shortly.",
	"alert.told":          "A manager has been told. Someone will be with you shortly.",
}
