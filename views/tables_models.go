package views

import (
	"strings"

	"github.com/tableside/tableside/store"
)

// TableRow is one table on the owner's tables page.
type TableRow struct {
	Label     string
	SurveyURL string
	QRSVG     string // inline SVG made by the handlers' QR encoder: markup we generate, no input
	QRURL     string
	RotateURL string
	RetireURL string
}

// Tables is the owner's tables page.
type Tables struct {
	Restaurant string
	Rows       []TableRow
	CardsURL   string
	AddURL     string
	AddLabel   string
	Errors     FieldErrors
	Flash      string
	// UndoURL, after a new QR code or a retired table, undoes it.
	UndoURL, UndoLabel string
	Retired            []RetiredTable
	// Sections, one a line ("Terrace: Terrace 1, Terrace 2"), as stored or
	// as typed, and where the form posts.
	Sections    string
	SectionsURL string
}

// RetiredTable is a table out of service, which can be brought back.
type RetiredTable struct {
	Label, RestoreURL string
}

// Cards is the printable sheet of a restaurant's table cards.
type Cards struct {
	Restaurant string
	// Unreachable, if the cards' links point where phones at the tables
	// cannot go (localhost, a private address), is that base URL.
	Unreachable string
	Cards       []Card
	PerPage     int // cards on each A4 or US Letter page
	Pages       int
	// Invites are the call to scan, in the one or two languages picked
	// from the restaurant's Languages.
	Invites   []CardInvite
	Languages []LanguageChoice
}

// CardInvite is a table card's call to scan, in one language.
type CardInvite struct{ Lang, Dir, Text string }

// LanguageChoice is one of a restaurant's languages, to pick.
type LanguageChoice struct {
	Tag, Name string
	Checked   bool
}

// Card is one printable table card.
type Card struct {
	Restaurant string
	Label      string
	SurveyURL  string
	QRSVG      string
}

// SectionsText writes sections as the tables page's form holds them: one a
// line, "Terrace: Terrace 1, Terrace 2".
func SectionsText(sections []store.Section) string {
	var b strings.Builder
	for _, s := range sections {
		b.WriteString(s.Name + ": " + strings.Join(s.Tables, ", ") + "\n")
	}
	return b.String()
}
