package store

import (
	"slices"
	"strings"
	"unicode"
)

// nameFinder finds the team's names in a comment, as whole words in any case:
// "sam's table" names Sam, "Samuel" and "sesame" do not.
type nameFinder struct {
	names [][]string // each name as lower-case words
	shown []string   // each name as the owner typed it
}

func newNameFinder(names []string) nameFinder {
	var f nameFinder
	for _, n := range names {
		if ws := words(n); len(ws) > 0 {
			f.names, f.shown = append(f.names, ws), append(f.shown, n)
		}
	}
	return f
}

// words splits text into lower-case words of letters and digits; an
// apostrophe ends a word, so that a possessive still names its owner.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// find returns the names that occur in text, each once.
func (f nameFinder) find(text string) []string {
	if len(f.names) == 0 {
		return nil
	}
	ws := words(text)
	var found []string
	for i, name := range f.names {
		for j := 0; j+len(name) <= len(ws); j++ {
			if slices.Equal(ws[j:j+len(name)], name) {
				found = append(found, f.shown[i])
				break
			}
		}
	}
	return found
}
