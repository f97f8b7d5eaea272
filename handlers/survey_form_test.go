package handlers

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tableside/tableside/store"
)

// FuzzSurveyForm feeds the survey's form parsing whatever a hostile or broken
// client might post. Whatever comes in, it must not panic, and anything it
// accepts must obey the survey's rules.
func FuzzSurveyForm(f *testing.F) {
	for _, seed := range []string{
		"rating=5",
		"rating=2&tag=slow&tag=cold-food&comment=Soup+was+cold&at_table=1",
		"rating=1&contact=ana%40example.com&consent=1&name=Ana&key=abcdefghijklmnop1234&check=A-1",
		"rating=3&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"rating=4&tag=food&tag=food&tag=nope",
		"rating=%00&comment=%FF%FE&name=%E2%80%A8",
		"rating=5&comment=" + strings.Repeat("x", 600),
		"rating=1&consent=1",
		"rating=2&contact=%2B44+7700+900123&consent=on",
		"at_table=1",
		"rating=&at_table=1&tag=allergy",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return // net/http refuses such a body before we see it
		}
		in := surveyInputFromForm(form)
		if !keyRE.MatchString(in.Key) {
			t.Fatalf("key %q escaped the shape check", in.Key)
		}
		if in.Check != "" && !checkRE.MatchString(in.Check) {
			t.Fatalf("check %q escaped the shape check", in.Check)
		}
		r := surveyResponse(in, "token")
		if errs := r.Check(); len(errs) > 0 {
			for _, p := range errs {
				if p.Field == "" || p.Key == "" {
					t.Fatalf("a problem without a field or a message: %+v", p)
				}
			}
			return
		}
		if r.Rating < 0 || r.Rating > 5 || r.Rating == 0 && !r.AtTable {
			t.Fatalf("accepted rating %d (at the table: %v)", r.Rating, r.AtTable)
		}
		for _, tag := range r.Tags {
			if _, ok := store.LookupTag(tag); !ok {
				t.Fatalf("accepted unknown tag %q", tag)
			}
		}
		for name, s := range map[string]string{"comment": r.Comment, "name": r.GuestName, "contact": r.Contact} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
			if strings.ContainsFunc(s, func(c rune) bool { return unicode.IsControl(c) && c != '\n' }) {
				t.Fatalf("%s keeps a control character: %q", name, s)
			}
		}
		if utf8.RuneCountInString(r.Comment) > store.MaxComment || utf8.RuneCountInString(r.GuestName) > store.MaxName ||
			utf8.RuneCountInString(r.Contact) > store.MaxContact {
			t.Fatalf("accepted text over its limit: %d/%d/%d runes", utf8.RuneCountInString(r.Comment),
				utf8.RuneCountInString(r.GuestName), utf8.RuneCountInString(r.Contact))
		}
		if strings.Contains(r.GuestName, "\n") || strings.Contains(r.Contact, "\n") {
			t.Fatal("a one-line field kept a newline")
		}
		if r.Contact != "" && !r.ContactConsent {
			t.Fatal("accepted contact details without consent")
		}
	})
}
