package views

// Page is what every page's layout needs.
type Page struct {
	Title string
	// Lang is the page's language (BCP 47) and Dir its direction, "rtl" for
	// Arabic; empty, English left to right.
	Lang, Dir string
	CSS       string // hashed URL of the stylesheet
	// Style and Script, on a diner's page, are its CSS and JavaScript,
	// inlined (the Content-Security-Policy allows them by hash) so the page
	// paints after one round trip; Style replaces the stylesheet.
	Style, Script string
	// NoIndex asks search engines to leave the page out: a table's survey
	// and a diner's receipt are nobody's search result.
	NoIndex bool
	Icon    string // hashed URL of the favicon
	// Refresh, when positive, reloads the page after that many seconds where
	// JavaScript does not run: the fallback for following a live state.
	Refresh int
	// Scripts are hashed URLs of our scripts; every page works without them.
	Scripts []string
	// Nav is the staff navigation, on staff pages only.
	Nav *Nav
	// Manifest, when set, is the web app manifest that lets the page be
	// installed to a home screen; ThemeColor colours the browser's bar.
	Manifest   string
	ThemeColor string
}

// Nav is the bar at the top of staff pages.
type Nav struct {
	Name  string // who is signed in
	CSRF  string
	Links []NavLink
}

// CurrentLabel names the menu on a phone: "Menu · Floor", or "Menu" on a
// page that is not one of its links.
func (n Nav) CurrentLabel() string {
	for _, l := range n.Links {
		if l.Current {
			return "Menu · " + l.Label
		}
	}
	return "Menu"
}

// NavLink is one link of the staff navigation.
type NavLink struct {
	Label   string
	URL     string
	Current bool
}

// FieldErrors maps a form field's name to the message shown next to it.
type FieldErrors map[string]string

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}
