package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

var (
	// keyRE is the shape of an idempotency key; NewToken makes 22 characters.
	keyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	// checkRE is the shape of a check (bill) number printed on a receipt QR.
	checkRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,20}$`)
	// phoneRE accepts the usual ways of writing a phone number.
	phoneRE = regexp.MustCompile(`^\+?[0-9 ().-]{6,24}$`)
)

// surveyInputFromForm reads the survey's fields as typed. A missing or malformed
// idempotency key (a form from an old page, a hand-made POST) gets a fresh one,
// which stores the response but cannot recognise a replay.
func surveyInputFromForm(f url.Values) views.SurveyInput {
	in := views.SurveyInput{
		Key:     f.Get("key"),
		Check:   f.Get("check"),
		Rating:  f.Get("rating"),
		Tags:    f["tag"],
		Comment: f.Get("comment"),
		AtTable: f.Get("at_table") != "",
		Name:    f.Get("name"),
		Contact: f.Get("contact"),
		Consent: f.Get("consent") != "",
	}
	if !keyRE.MatchString(in.Key) {
		in.Key = store.NewToken()
	}
	if !checkRE.MatchString(in.Check) {
		in.Check = ""
	}
	return in
}

// fieldProblem is what is wrong with one answer of the survey: the field
// (or "form", for the whole), and the message's name in the diners'
// catalogue, with its arguments.
type fieldProblem struct {
	field, key string
	args       []any
}

// fieldProblems are a survey's problems, in the order of its fields.
type fieldProblems []fieldProblem

// in prints the problems' messages in t's language, one per field.
func (ps fieldProblems) in(t views.T) views.FieldErrors {
	if len(ps) == 0 {
		return nil
	}
	errs := views.FieldErrors{}
	for _, p := range ps {
		if _, ok := errs[p.field]; !ok {
			errs[p.field] = t.S(p.key, p.args...)
		}
	}
	return errs
}

// first is the first field with a problem: where the form puts the diner.
func (ps fieldProblems) first() string {
	for _, p := range ps {
		if p.field != "form" {
			return p.field
		}
	}
	return ""
}

// validateSurvey checks a diner's input against the survey's rules and
// returns the response to store, or what is wrong with it.
func validateSurvey(in views.SurveyInput, tableToken string) (store.NewResponse, fieldProblems) {
	var errs fieldProblems
	problem := func(field, key string, args ...any) { errs = append(errs, fieldProblem{field, key, args}) }
	r := store.NewResponse{
		TableToken:     tableToken,
		IdempotencyKey: in.Key,
		CheckNumber:    in.Check,
		AtTable:        in.AtTable,
		ContactConsent: in.Consent,
	}
	// A guest still at the table may only ask for someone: the box alone
	// calls a manager over, rating or not (store.AlertRules.Reasons).
	switch {
	case len(in.Rating) == 1 && in.Rating >= "1" && in.Rating <= "5":
		r.Rating = int(in.Rating[0] - '0')
	case in.Rating == "" && in.AtTable:
	default:
		problem("rating", "invalid.rating")
	}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		if _, ok := store.LookupTag(t); !ok {
			problem("tag", "invalid.tag")
			break
		}
		if !seen[t] {
			seen[t] = true
			r.Tags = append(r.Tags, t)
		}
	}
	r.Comment = cleanText(in.Comment, true)
	if n := utf8.RuneCountInString(r.Comment); n > store.MaxComment {
		problem("comment", "invalid.comment", store.MaxComment, n)
	}
	r.GuestName = cleanText(in.Name, false)
	if utf8.RuneCountInString(r.GuestName) > store.MaxName {
		problem("name", "invalid.name", store.MaxName)
	}
	contact := cleanText(in.Contact, false)
	switch {
	case contact != "" && !in.Consent:
		problem("consent", "invalid.consent")
	case contact == "" && in.Consent:
		problem("contact", "invalid.contact.missing")
	case utf8.RuneCountInString(contact) > store.MaxContact:
		problem("contact", "invalid.contact.long", store.MaxContact)
	case contact != "" && !plausibleContact(contact):
		problem("contact", "invalid.contact.shape")
	}
	r.Contact = contact
	if len(errs) > 0 {
		return store.NewResponse{}, errs
	}
	return r, nil
}

// cleanText trims and makes text safe to store: valid UTF-8, no control
// characters but newlines (kept only where multiline), and \n line ends.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && multiline:
			return r
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// plausibleContact accepts an email address (something@domain.tld) or a phone
// number with at least six digits.
func plausibleContact(s string) bool {
	if local, domain, ok := strings.Cut(s, "@"); ok {
		return local != "" && strings.Contains(strings.Trim(domain, "."), ".") && !strings.ContainsAny(s, " <>\"")
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return phoneRE.MatchString(s) && digits >= 6
}
