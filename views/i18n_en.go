package views

// english is the diners' catalogue in English: the reference every other
// language follows. %[1]s and the like are the arguments, in order; a
// Plural's first argument is the number that picks its form.
var english = map[string]any{
	// The language itself: its name in its own words, for the switcher.
	"language": "English",

	// The survey.
	"survey.title":             "Your visit to %[1]s",
	"survey.heading":           "How was your visit?",
	"survey.languages":         "Language",
	"survey.rating":            "Your rating",
	"survey.rating.hint":       "Tap one: 1 is awful, 5 is great.",
	"rating.1":                 "Awful",
	"rating.2":                 "Poor",
	"rating.3":                 "Okay",
	"rating.4":                 "Good",
	"rating.5":                 "Great",
	"survey.at-table":          "I'm still at the table",
	"survey.at-table.ask":      "Please send someone over.",
	"survey.send":              "Send",
	"survey.sending":           "Sending…",
	"survey.more":              "Tell us more (optional)",
	"survey.good":              "What went well?",
	"survey.bad":               "What could have been better?",
	"survey.tick-any":          "Tick any.",
	"survey.comment":           "Anything else?",
	"survey.comment.hint":      Plural{"one": "Up to %[1]d character.", "other": "Up to %[1]d characters."},
	"survey.reply":             "Would you like a reply?",
	"survey.name":              "Your first name",
	"survey.contact":           "Phone or email",
	"survey.contact.hint":      Plural{"one": "Used only to reply about this visit, seen only by this restaurant's managers, and deleted after %[1]d day.", "other": "Used only to reply about this visit, seen only by this restaurant's managers, and deleted after %[1]d days."},
	"survey.contact.hint.kept": "Used only to reply about this visit and seen only by this restaurant's managers, who delete it when you ask.",
	"survey.consent":           "You may contact me about this visit.",
	"survey.fine":              "Every guest sees this same page, whatever their rating. No account needed.",
	"survey.check":             Plural{"one": "Please check the answer marked below. Everything else you wrote is still here.", "other": "Please check the %[1]d answers marked below. Everything else you wrote is still here."},

	// What diners can tick.
	"tag.food":           "Food",
	"tag.service":        "Friendly service",
	"tag.speed":          "Quick",
	"tag.atmosphere":     "Atmosphere",
	"tag.value":          "Good value",
	"tag.cleanliness":    "Clean",
	"tag.slow":           "Slow service",
	"tag.cold-food":      "Food not hot",
	"tag.wrong-order":    "Wrong order",
	"tag.taste":          "Didn't taste right",
	"tag.rude":           "Unfriendly staff",
	"tag.dirty":          "Not clean",
	"tag.noise":          "Too noisy",
	"tag.price":          "Overpriced",
	"tag.foreign-object": "Something in my food",
	"tag.allergy":        "Allergy concern",

	// What is wrong with a survey as sent.
	"invalid.rating":          "Please tap a rating from 1 to 5.",
	"invalid.tag":             "Please choose from the options shown.",
	"invalid.comment":         Plural{"one": "Please keep it to %[1]d character: this is %[2]d.", "other": "Please keep it to %[1]d characters: this is %[2]d."},
	"invalid.name":            Plural{"one": "Please keep your name to %[1]d character.", "other": "Please keep your name to %[1]d characters."},
	"invalid.consent":         "Tick “You may contact me” here, or clear the phone or email box: we keep contact details only with your permission.",
	"invalid.contact.missing": "Add a phone number or email so we can reach you, or untick “You may contact me”.",
	"invalid.contact.long":    Plural{"one": "Please keep this to %[1]d character.", "other": "Please keep this to %[1]d characters."},
	"invalid.contact.shape":   "That doesn't look like a phone number or an email address.",
	"survey.unavailable":      "We could not save this just now. Please tap Send again in a moment. Your answers are kept below.",
	"survey.busy":             "We've had a lot of feedback from this connection just now. Please wait a minute, then tap Send again. Your answers are kept below.",

	// The receipt.
	"receipt.title":       "Thank you",
	"receipt.thanks":      "Thank you!",
	"receipt.thanks.name": "Thank you, %[1]s!",
	"receipt.reached":     "Your feedback has reached the team at %[1]s.",
	"receipt.updated":     "Your changes have been added to what you sent.",
	"receipt.too-late":    "You had sent this already, and the team is on it, so your changes were not added. Please tell a member of staff.",
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

	// Pages a diner may reach instead: a headline and a sentence.
	"error.unknown-table":   "This QR code isn't in use any more. Please ask a member of staff — they'll be glad to hear how it's going.",
	"error.unknown-receipt": "We couldn't find that receipt. Your feedback may still have reached us — please ask a member of staff if you need help.",
	"error.404.heading":     "Not found",
	"error.404":             "We couldn't find that page. If you scanned a QR code, please ask a member of staff.",
	"error.413.heading":     "That was too long",
	"error.413":             "That was more than we can take in one go. Please shorten it and try again.",
	"error.429.heading":     "Slow down a moment",
	"error.429":             "We've had a lot of requests from this connection. Please wait a minute and try again.",
	"error.405.heading":     "Not allowed",
	"error.405":             "That page can't be used that way.",
	"error.503.heading":     "Please try again",
	"error.503":             "We could not save this just now. Please try again in a moment.",
	"error.400.heading":     "Something wasn't right",
	"error.400":             "Something about that request wasn't right.",
	"error.500.heading":     "Sorry, something broke",
	"error.500":             "Something went wrong on our side. Please try again.",

	// The table card's call to scan.
	"card.invite": "How was everything? Scan to tell us — it takes 20 seconds.",
}
