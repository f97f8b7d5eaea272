package views

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
}

// RetiredTable is a table out of service, which can be brought back.
type RetiredTable struct {
	Label, RestoreURL string
}

// Cards is the printable sheet of a restaurant's table cards.
type Cards struct {
	Restaurant string
	Cards      []Card
	PerPage    int // cards on each A4 or US Letter page
	Pages      int
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
