package views

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verbRE = regexp.MustCompile(`%\[\d+\][a-z]`)

// verbs lists a message's arguments as it uses them (a Plural: each form).
func verbs(m any) []string {
	switch m := m.(type) {
	case string:
		vs := verbRE.FindAllString(m, -1)
		slices.Sort(vs)
		return slices.Compact(vs)
	case Plural:
		var all []string
		for _, s := range m {
			all = append(all, verbs(s)...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}
	return nil
}

// TestCataloguesAreComplete: every language has every English message, no
// message English lacks, and each uses the same arguments; every plural
// message has its "other" form, which CLDR gives every language.
func TestCataloguesAreComplete(t *testing.T) {
	for lang, msgs := range catalogues {
		for key, en := range english {
			m, ok := msgs[key]
			if !ok {
				t.Errorf("%s lacks %q", lang, key)
				continue
			}
			if p, ok := m.(Plural); ok && p["other"] == "" {
				t.Errorf("%s %q has no plural form other", lang, key)
			}
			if got, want := verbs(m), verbs(en); !slices.Equal(got, want) {
				t.Errorf("%s %q uses %v, English %v", lang, key, got, want)
			}
			if s, ok := m.(string); ok && strings.TrimSpace(s) == "" {
				t.Errorf("%s %q is empty", lang, key)
			}
		}
		for key := range msgs {
			if _, ok := english[key]; !ok {
				t.Errorf("%s has %q, which English has not", lang, key)
			}
		}
	}
}

// TestTranslatorFallsBackToEnglish: a language without a catalogue prints
// English, arguments in place.
func TestTranslatorFallsBackToEnglish(t *testing.T) {
	for _, lang := range []string{"", "en", "tlh"} {
		if got := Translator(lang).S("receipt.thanks.name", "Ana"); got != "Thank you, Ana!" {
			t.Errorf("%q: %q", lang, got)
		}
	}
	if got := Translator("en").S("receipt.rating", 4); got != "Rating: 4 out of 5" {
		t.Errorf("a plural: %q", got)
	}
}
