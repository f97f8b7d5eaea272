package views

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	cldr "golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"golang.org/x/text/number"

	"github.com/tableside/tableside/store"
)

// The diners' pages are written in catalogues of messages, one file per
// language under locales/, which translators edit without reading Go (the
// README's "Translating"), and printed with golang.org/x/text/message: its
// plural selection follows the CLDR rules of each language, as does its
// formatting of numbers. The files are gotext's JSON: each message has its
// id, the English it translates ("message"; the English file, the source,
// has none) and the translation, a string
// or a choice by plural category of its first argument
// ({"select": {"feature": "plural", "arg": "1", "cases": {"one": {"msg":
// …}, "other": {"msg": …}}}}). The languages are store.DinerLanguages, one
// file each. Staff pages stay English for now.

//go:embed locales/*.json
var localeFS embed.FS

// pluralCategories are the CLDR categories, in the order Selectf tries
// them.
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// text is a message's words: a string, or forms by plural category.
type text struct {
	Msg    string
	Plural map[string]string
}

// UnmarshalJSON reads a string or a plural select, and refuses anything
// else: a value of the wrong shape is an error, never dropped.
func (t *text) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		return json.Unmarshal(b, &t.Msg)
	}
	var s struct {
		Select struct {
			Feature string `json:"feature"`
			Arg     string `json:"arg"`
			Cases   map[string]struct {
				Msg string `json:"msg"`
			} `json:"cases"`
		} `json:"select"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return fmt.Errorf("a message is a string or a plural select: %w", err)
	}
	if s.Select.Feature != "plural" || s.Select.Arg != "1" || s.Select.Cases["other"].Msg == "" {
		return fmt.Errorf("a select is by the plural of argument 1 and has the case other")
	}
	t.Plural = map[string]string{}
	for c, m := range s.Select.Cases {
		if !slices.Contains(pluralCategories, c) {
			return fmt.Errorf("%q is not a CLDR plural category", c)
		}
		t.Plural[c] = m.Msg
	}
	return nil
}

// String writes a text as its catalogue does.
func (t text) String() string {
	if t.Plural == nil {
		return fmt.Sprintf("%q", t.Msg)
	}
	return fmt.Sprint(t.Plural)
}

// locale is one language's file.
type locale struct {
	Language      string `json:"language"`
	NameInEnglish string `json:"name_in_english"`
	Direction     string `json:"direction"`
	Messages      []struct {
		ID          string `json:"id"`
		Message     text   `json:"message"`
		Translation text   `json:"translation"`
	} `json:"messages"`
	// byID is Messages' translations by id; source the English each
	// translates.
	byID, source map[string]text
}

// loadLocales reads the catalogue of each of store.DinerLanguages. The
// English file has no ticks: their words are the store's labels
// (store.Tags), one home for them.
func loadLocales() (map[string]*locale, error) {
	out := map[string]*locale{}
	for _, tag := range store.DinerLanguages {
		b, err := localeFS.ReadFile(path.Join("locales", tag+".json"))
		if err != nil {
			return nil, fmt.Errorf("views: no catalogue for %s: %w", tag, err)
		}
		l := &locale{}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(l); err != nil {
			return nil, fmt.Errorf("views: locales/%s.json: %w", tag, err)
		}
		if l.Language != tag || l.NameInEnglish == "" || (l.Direction != "ltr" && l.Direction != "rtl") {
			return nil, fmt.Errorf("views: locales/%s.json: language %q, name_in_english %q, direction %q", tag, l.Language, l.NameInEnglish, l.Direction)
		}
		l.byID, l.source = map[string]text{}, map[string]text{}
		for _, m := range l.Messages {
			if _, dup := l.byID[m.ID]; dup {
				return nil, fmt.Errorf("views: locales/%s.json: %q twice", tag, m.ID)
			}
			l.byID[m.ID], l.source[m.ID] = m.Translation, m.Message
		}
		out[tag] = l
	}
	en := out["en"]
	for _, kind := range []store.TagKind{store.Praise, store.Complaint} {
		for _, t := range store.Tags(kind) {
			en.byID["tag."+t.Key] = text{Msg: t.Label}
		}
	}
	return out, nil
}

// locales are the catalogues, read once.
var locales = func() map[string]*locale {
	ls, err := loadLocales()
	if err != nil {
		panic(err) // embedded files: the tests read them first
	}
	return ls
}()

// dinerCatalog is locales as x/text's catalogue, built once.
var dinerCatalog = buildCatalog()

func buildCatalog() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for tag, l := range locales {
		t := language.MustParse(tag)
		for key, m := range l.byID {
			var err error
			if m.Plural == nil {
				err = b.SetString(t, key, m.Msg)
			} else {
				var cases []any
				for _, c := range pluralCategories {
					if s, ok := m.Plural[c]; ok {
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
	if _, ok := locales[lang]; !ok {
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

// LanguageInEnglish names a diner language for the staff, who read English
// ("French"); a tag without a catalogue by its base language ("zh" is
// Chinese), else as it is.
func LanguageInEnglish(tag string) string {
	if l, ok := locales[tag]; ok {
		return l.NameInEnglish
	}
	for t, l := range locales {
		if base, _, _ := strings.Cut(t, "-"); base == tag {
			return l.NameInEnglish
		}
	}
	return tag
}

// TextDirection is "rtl" for a language written right to left, else "ltr".
func TextDirection(tag string) string {
	if l, ok := locales[tag]; ok {
		return l.Direction
	}
	return "ltr"
}

// PageLanguage is the lang and dir of a diner's page for the diner's
// language: theirs where Tableside speaks it, else English.
func PageLanguage(tag string) (lang, dir string) {
	if _, ok := locales[tag]; !ok {
		tag = "en"
	}
	return tag, TextDirection(tag)
}
