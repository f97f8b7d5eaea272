package store

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// phoneRE accepts the usual ways of writing a phone number.
var phoneRE = regexp.MustCompile(`^\+?[0-9 ().-]{6,24}$`)

// Check holds a diner's answers to the survey's rules, the one place they
// are written, and tidies what it may: text made safe to store (valid
// UTF-8, no control characters, one line where it must be), ticks in order
// without repeats, a contact only with consent. It returns every problem,
// in the order of the form's fields, each with a message of the diners'
// catalogue (Key, Args) and one for staff (Message). CreateResponse checks
// again, so nothing unchecked is stored.
func (in *NewResponse) Check() []Problem {
	var ps []Problem
	problem := func(field, key, message string, args ...any) {
		ps = append(ps, Problem{Field: field, Key: key, Message: message, Args: args})
	}
	// A guest still at the table may only ask for someone: the box alone
	// calls a manager over, rating or not (AlertRules.Reasons).
	if in.Rating < 0 || in.Rating > 5 || in.Rating == 0 && !in.AtTable {
		problem("rating", "invalid.rating", "A rating is 1 to 5; only a guest still at the table may leave it out.")
	}
	var tags []string
	for _, t := range in.Tags {
		if _, ok := LookupTag(t); !ok {
			problem("tag", "invalid.tag", "Unknown tag.")
			break
		}
		tags = append(tags, t)
	}
	in.Tags = slices.Compact(slices.Sorted(slices.Values(tags)))
	in.Comment = CleanText(in.Comment, true)
	if n := utf8.RuneCountInString(in.Comment); n > MaxComment {
		problem("comment", "invalid.comment", "The comment is too long.", MaxComment, n)
	}
	in.GuestName = CleanText(in.GuestName, false)
	if utf8.RuneCountInString(in.GuestName) > MaxName {
		problem("name", "invalid.name", "The name is too long.", MaxName)
	}
	in.Contact = CleanText(in.Contact, false)
	switch {
	case in.Contact != "" && !in.ContactConsent:
		problem("consent", "invalid.consent", "A contact is kept only with consent.")
	case in.Contact == "" && in.ContactConsent:
		problem("contact", "invalid.contact.missing", "Consent to be contacted needs a contact.")
	case utf8.RuneCountInString(in.Contact) > MaxContact:
		problem("contact", "invalid.contact.long", "The contact is too long.", MaxContact)
	case in.Contact != "" && !plausibleContact(in.Contact):
		problem("contact", "invalid.contact.shape", "A contact is a phone number or an email address.")
	}
	return ps
}

// CleanText trims text and makes it safe to store: valid UTF-8, no control
// characters but newlines (kept only where multiline), and \n line ends.
func CleanText(s string, multiline bool) string {
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
