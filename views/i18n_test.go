package views

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tableside/tableside/store"
)

var verbRE = regexp.MustCompile(`%\[\d+\][a-z]`)

// verbs lists a message's arguments as it uses them (a plural: each form).
func verbs(m text) []string {
	all := verbRE.FindAllString(m.Msg, -1)
	for _, s := range m.Plural {
		all = append(all, verbRE.FindAllString(s, -1)...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// TestCataloguesAreComplete: there is a catalogue for each of the diners'
// languages and no other; each has every English message, no message
// English lacks, and each uses the same arguments; no message is empty.
func TestCataloguesAreComplete(t *testing.T) {
	files, err := localeFS.ReadDir("locales")
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, f := range files {
		tags = append(tags, strings.TrimSuffix(f.Name(), ".json"))
	}
	if want := slices.Sorted(slices.Values(store.DinerLanguages)); !slices.Equal(tags, want) {
		t.Errorf("catalogues %v, diners' languages %v: one list, store.DinerLanguages", tags, want)
	}
	english := locales["en"].byID
	for lang, l := range locales {
		for key, en := range english {
			m, ok := l.byID[key]
			if !ok {
				t.Errorf("%s lacks %q", lang, key)
				continue
			}
			if got, want := verbs(m), verbs(en); !slices.Equal(got, want) {
				t.Errorf("%s %q uses %v, English %v", lang, key, got, want)
			}
			if m.Plural == nil && strings.TrimSpace(m.Msg) == "" {
				t.Errorf("%s %q is empty", lang, key)
			}
		}
		for key := range l.byID {
			if _, ok := english[key]; !ok {
				t.Errorf("%s has %q, which English has not", lang, key)
			}
		}
	}
}

// equal reports whether two texts say the same.
func (t text) equal(o text) bool {
	if t.Plural == nil || o.Plural == nil {
		return t.Plural == nil && o.Plural == nil && t.Msg == o.Msg
	}
	return fmt.Sprint(t.Plural) == fmt.Sprint(o.Plural) // fmt sorts maps' keys
}

// TestTranslationsAreCurrent: each translation records the English it
// translates, and that is today's English. When an English message changes,
// this fails for every language until its translator has looked again (and
// updated "message" with the translation).
func TestTranslationsAreCurrent(t *testing.T) {
	english := locales["en"].byID
	for lang, l := range locales {
		if lang == "en" {
			continue
		}
		for key, src := range l.source {
			if en, ok := english[key]; ok && !src.equal(en) {
				t.Errorf("%s %q translates %v, but the English is now %v: translate it again", lang, key, src, en)
			}
		}
	}
}

// TestCatalogueRefusesWrongShapes: a message that is neither a string nor a
// plural select is an error, not a message quietly dropped.
func TestCatalogueRefusesWrongShapes(t *testing.T) {
	for _, bad := range []string{`42`, `["a"]`, `{"select": {"feature": "plural", "arg": "1", "cases": {"one": {"msg": "x"}}}}`,
		`{"select": {"feature": "gender", "arg": "1", "cases": {"other": {"msg": "x"}}}}`,
		`{"select": {"feature": "plural", "arg": "1", "cases": {"several": {"msg": "x"}, "other": {"msg": "y"}}}}`,
		`{"select": {"feature": "plural", "arg": "1", "cases": {"other": {"text": "y"}}}}`} {
		var m text
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("%s was taken for a message: %+v", bad, m)
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
	if got := Translator("fr").S("tag.food"); got != "La cuisine" {
		t.Errorf("a tick in French: %q", got)
	}
	if got := Translator("en").S("tag.foreign-object"); got != "Something in my food" {
		t.Errorf("a tick in English, from the store's labels: %q", got)
	}
	if LanguageInEnglish("zh-CN") != "Chinese" || LanguageInEnglish("zh") != "Chinese" || TextDirection("ar") != "rtl" {
		t.Error("the languages' facts are not their files'")
	}
}
