package views

// Summary is the owner's weekly summary, as the page and the digest show it.
// Every figure is already written out in words and numbers; the views only
// lay it out.
type Summary struct {
	Title     string // the restaurant, or "All restaurants"
	Week      string // YYYY-Www
	WeekLabel string // "16–22 November 2026"
	// Links, absolute in the digest. NextURL is empty for a week not over yet.
	PrevURL, NextURL, PageURL, CSVURL string
	Picker                            WeekPicker
	Email                             bool // the digest: no forms
	// Actions are "This week": what to do first, the costliest first.
	Actions []ActionLine
	// Recovery is how the floor answered, by daypart: only those with calls.
	Recovery []RecoveryRow
	// BySection and ByPerson are the week by section and by who served,
	// for coaching (empty without sections).
	BySection, ByPerson []TeamRow
	Empty               bool // no responses and no complaints this week
	CoverNote           string
	CoversURL           string
	Tiles               []Tile
	Charts              []Chart
	Ratings             []Bar
	Complaints          []Bar
	PraiseTags          []Bar
	Alerts              []Fact
	Wow                 []Quote
	StaffNamed          []string
	Languages           []string // "French (3)", most first
	Silent              Silent
	Lines               []Line // one per restaurant, when there are several
}

// WeekPicker chooses the week and the restaurant.
type WeekPicker struct {
	Action       string
	Week         string
	Weeks        []Option // the last year's weeks, newest first (a select: type=week is not in every browser)
	Restaurants  []Option
	ResponsesCSV string // the action of the responses export form
	From, To     string // its default dates
}

// Tile is one headline figure with its change against the week before.
type Tile struct {
	Label, Value string
	Delta        string // "+12 vs last week", or "" with nothing to compare
	// News says whether the change is good (NewsGood), bad (NewsWorse) or
	// neither (NewsSame), and is "" with nothing to compare; Direction is
	// "up", "down" or "".
	News      string
	Direction string
	Note      string
}

// What a change since last week means; each is also the class of its delta.
const (
	NewsGood  = "good"
	NewsWorse = "worse"
	NewsSame  = "same"
)

// Chart is one small line or bar chart of the 8-week trend, drawn as SVG
// within a 0 0 ChartW ChartH box.
type Chart struct {
	Title  string
	Latest string   // this week's value, in words
	Desc   string   // every week's value, for screen readers
	Lines  []string // polyline point lists; a week without data breaks the line
	Dots   []Dot
	Bars   []Dot // for a bar chart: X, Y are the bar's top centre
	Labels []Dot // week labels along the bottom
	Max    string
	Base   float64 // the y of the baseline
}

// Dot is a point of a chart with what it stands for.
type Dot struct {
	X, Y  float64
	Label string
}

// The chart box, in SVG user units.
const (
	ChartW = 320.0
	ChartH = 120.0
)

// Bar is one row of a horizontal bar list.
type Bar struct {
	Label, Value string
	Width        float64 // 0–100, share of the longest bar
	Bad          bool
}

// Fact is a labelled figure.
type Fact struct {
	Label, Value string
	Warn         bool
}

// Quote is a guest's comment and where it came from.
type Quote struct {
	Text, Meta string
}

// Silent is the silent-dissatisfaction panel.
type Silent struct {
	Headline     string   // "About 40 guests were probably unhappy — between 25 and 60."
	NoData       bool     // no figure: nothing entered, nothing heard
	How          []string // how it was reached, in lines that add up to the headline
	NoComplaints bool
	Rate         string // which voice rate was used, and why
	// FourPercent is what the popular rule would say from what reached the
	// owner: context, labelled, never the headline ("" when nothing did).
	FourPercent string
	WordOfMouth string
	Definition  string // what a complaint is, everywhere
	Sources     []string
	SourcesOpen bool // in the digest; a tap away on the page
}

// Line is one restaurant's row in a summary of several.
type Line struct {
	Name, URL                                   string
	Responses, Rate, Average, Voiced, AckMedian string
}

// RecoveryRow is one daypart's answer to calls, written out.
type RecoveryRow struct {
	Daypart, Calls, AckMedian, Present, Comps, FollowUps string
}

// TeamRow is one section's or one person's week, written out.
type TeamRow struct {
	Name, Answers, Complaints, Praise, Calls, AckMedian, Present string
}
