package store

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// A guest's contact is what they typed: an email address or a phone number,
// in whatever form. To find everything held about one guest it is read
// exactly, never by a part of it: an email trimmed and in lower case, a
// phone number parsed to E.164 (with libphonenumber's rules, through
// github.com/nyaruka/phonenumbers), numbers written without a country code
// read as the restaurant's country's.

// CheckCountry tidies a country code ("gb" is "GB") and refuses one that
// libphonenumber does not know; "" (not set) is allowed.
func CheckCountry(code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return "", nil
	}
	if _, ok := phonenumbers.GetSupportedRegions()[code]; !ok {
		return "", Errorf(EInvalid, "A country is a two-letter code such as GB, FR or JP (not %q).", code)
	}
	return code, nil
}

// contactKey is a contact as it is matched, read in country: an email in
// lower case, or a phone number in E.164; "" if it is neither (a name, a
// number too short or too long to be one, or one without a country code
// where the country is not set).
func contactKey(contact, country string) string {
	contact = strings.TrimSpace(contact)
	if strings.Contains(contact, "@") { // an address, perhaps with a name ("Ana, ana@example.com")
		for _, f := range strings.FieldsFunc(contact, func(r rune) bool { return strings.ContainsRune(" \t,;<>()", r) }) {
			if a, ok := EmailAddress(f); ok {
				return strings.ToLower(a)
			}
		}
		return ""
	}
	n, err := phonenumbers.Parse(contact, country)
	if err != nil || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}
