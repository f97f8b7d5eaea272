package views

import (
	"github.com/tableside/tableside/store"
)

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
