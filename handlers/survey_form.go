package handlers

import (
	"fmt"
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

// validateSurvey checks a diner's input against the survey's rules and returns
// the response to store, or the message for each field that broke a rule.
func validateSurvey(in views.SurveyInput, tableToken string) (store.NewResponse, views.FieldErrors) {
	errs := views.FieldErrors{}
	r := store.NewResponse{
		TableToken:     tableToken,
		IdempotencyKey: in.Key,
		CheckNumber:    in.Check,
		AtTable:        in.AtTable,
		ContactConsent: in.Consent,
	}
	switch in.Rating {
	case "1", "2", "3", "4", "5":
		r.Rating = int(in.Rating[0] - '0')
	default:
		errs["rating"] = "Please tap a rating from 1 to 5."
	}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		if _, ok := store.LookupTag(t); !ok {
			errs["tag"] = "Please choose from the options shown."
			break
		}
		if !seen[t] {
			seen[t] = true
			r.Tags = append(r.Tags, t)
		}
	}
	r.Comment = cleanText(in.Comment, true)
	if n := utf8.RuneCountInString(r.Comment); n > store.MaxComment {
		errs["comment"] = fmt.Sprintf("Please keep it to %d characters — this is %d.", store.MaxComment, n)
	}
	r.GuestName = cleanText(in.Name, false)
	if utf8.RuneCountInString(r.GuestName) > store.MaxName {
		errs["name"] = fmt.Sprintf("Please keep your name to %d characters.", store.MaxName)
	}
	contact := cleanText(in.Contact, false)
	switch {
	case contact != "" && !in.Consent:
		errs["contact"] = "Tick “You may contact me” below, or clear this box: we keep contact details only with your permission."
	case contact == "" && in.Consent:
		errs["contact"] = "Add a phone number or email so we can reach you, or untick the box below."
	case utf8.RuneCountInString(contact) > store.MaxContact:
		errs["contact"] = fmt.Sprintf("Please keep this to %d characters.", store.MaxContact)
	case contact != "" && !plausibleContact(contact):
		errs["contact"] = "That doesn't look like a phone number or an email address."
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
