package views

import (
	"cmp"

	cldr "golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"golang.org/x/text/number"
)

// The diners' pages are written in catalogues of messages, one per
// language, keyed by a name ("receipt.thanks"), and printed with
// golang.org/x/text/message: already a dependency (currencies, language
// matching), kept by the Go team, and its plural selection follows the CLDR
// rules of each language, as does its formatting of numbers. Staff pages
// stay English for now.

// Plural is a message whose words depend on a number (its first argument),
// by CLDR plural category: "zero", "one", "two", "few", "many", "other".
type Plural map[string]string

// pluralCategories are the CLDR categories, in the order Selectf
// tries them.
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// catalogues are the diners' messages, by language tag: each a map of
// message names to a string or a Plural. English is complete; every other
// language must have every English message (TestCataloguesAreComplete).
var catalogues = map[string]map[string]any{
	"en": english, "es": spanish, "fr": french, "de": german, "it": italian, "pt": portuguese,
	"zh-CN": chinese, "ja": japanese, "ko": korean, "ar": arabic,
}

// dinerCatalog is catalogues, built once.
var dinerCatalog = buildCatalog()

func buildCatalog() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for tag, msgs := range catalogues {
		t := language.MustParse(tag)
		for key, m := range msgs {
			var err error
			switch m := m.(type) {
			case string:
				err = b.SetString(t, key, m)
			case Plural:
				var cases []any
				for _, c := range pluralCategories {
					if s, ok := m[c]; ok {
						cases = append(cases, c, s)
					}
				}
				err = b.Set(t, key, cldr.Selectf(1, "%d", cases...))
			}
			if err != nil {
				panic("views: message " + key + " in " + tag + ": " + err.Error())
			}
		}
	}
	return b
}

// T prints a diner page's messages in one language.
type T struct {
	Lang string
	p    *message.Printer
}

// Translator is the T of a language tag ("fr", "zh-CN"); one without a
// catalogue prints English.
func Translator(lang string) T {
	lang = cmp.Or(lang, "en")
	if _, ok := catalogues[lang]; !ok {
		lang = "en"
	}
	return T{Lang: lang, p: message.NewPrinter(language.MustParse(lang), message.Catalog(dinerCatalog))}
}

// printer is t's printer; a T made as a literal gets its language's.
func (t T) printer() *message.Printer {
	if t.p == nil {
		return Translator(t.Lang).p
	}
	return t.p
}

// S prints the message called key with its arguments.
func (t T) S(key string, args ...any) string { return t.printer().Sprintf(key, args...) }

// N prints a whole number as the language writes it.
func (t T) N(n int) string { return t.printer().Sprint(number.Decimal(n)) }

// Name is the name of a language in its own words ("Français").
func Name(lang string) string { return Translator(lang).S("language") }
