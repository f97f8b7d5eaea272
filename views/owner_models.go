package views

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/tableside/tableside/store"
)

// Overview is an owner's page for one restaurant.
type Overview struct {
	Restaurant string
	Escalated  []AlertCard
	Links      []NavLink
}

// Basics is what a restaurant is called and where it is, as typed: on the
// settings page and the new-restaurant page.
type Basics struct {
	Name, Slug, TimeZone, Currency string
	Country                        string   // ISO 3166-1 alpha-2, or ""
	Languages                      []string // offered to diners
	Default                        string   // the default language
	// ShowSlug asks for the slug too (a new restaurant's; it never changes).
	ShowSlug bool
}

// Offers reports whether the language is offered.
func (b Basics) Offers(tag string) bool { return slices.Contains(b.Languages, tag) }

// LanguageName is a diner language in its own words (its catalogue's) and,
// for the owner choosing it, in English: "Français — French".
func LanguageName(tag string) string {
	if tag == "en" {
		return Name(tag)
	}
	return Name(tag) + " — " + LanguageInEnglish(tag)
}

// NewRestaurant is the page where an owner adds another restaurant.
type NewRestaurant struct {
	Action string
	Basics Basics
	Errors FieldErrors
}

// Settings is the owner's settings page.
type Settings struct {
	Restaurant   string
	Action       string
	Basics       Basics
	MaxRating    int
	UrgentTags   bool
	AtTable      bool
	EscalateMins string
	// The weekly summary's voice-rate range, as percentages, and team names.
	VoiceLow, VoiceCentral, VoiceHigh string
	TeamNames                         string
	Errors                            FieldErrors
	Saved                             bool
	// Read-only API tokens: the list, the form to make one, and a new
	// token's secret, shown once.
	APITokens   []APITokenRow
	TokenAction string
	TokenName   string
	TokenError  string
	NewToken    string
	SummaryJSON string // an example URL of the API, for this restaurant
	SectionsURL string // where the tables are grouped into sections
	ReviewLinks string // one a line, as stored or typed
	// OfferCeiling is the most an offer may be, as typed ("25.00"), in
	// Currency.
	OfferCeiling, Currency string
}

// APITokenRow is one API token on the settings page.
type APITokenRow struct {
	Name, Prefix, Created, LastUsed, RevokeURL string
}

// Staff is the owner's page of managers.
type Staff struct {
	Restaurant string
	Members    []StaffRow
	InviteURL  string
	Email      string
	Name       string
	Errors     FieldErrors
	// Invited is whom an invitation was just made for, with the link to
	// pass on; Mailed says it was emailed to them too.
	Invited, InvitedEmail, Link string
	Mailed                      bool
	// Pending are the invitations not yet accepted, each with its Revoke.
	Pending []PendingRow
	Flash   string
}

// PendingRow is an invitation waiting to be accepted.
type PendingRow struct {
	Name, Email, Expires, RevokeURL string
}

// StaffRow is one person on the staff page.
type StaffRow struct {
	Name      string
	Email     string
	Role      string
	RemoveURL string // empty for owners
}

// Privacy is the owner's page for a guest's data: export it, or erase it.
type Privacy struct {
	Restaurant                string
	Country                   string // its name in English, or "" if not set
	ExportAction, EraseAction string
	RetainDays                int
	Contact                   string // as typed
	Error                     string
	Nothing                   bool           // nothing is held about that guest
	Erased                    *store.Erasure // what an erasure just removed
}

// NewSettings is the settings page of r as stored, its form posting to
// action: minutes and percentages as an owner types them.
func NewSettings(r store.Restaurant, action string) Settings {
	percent := func(f float64) string { return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) }
	return Settings{
		Restaurant: r.Name, Action: action, SectionsURL: "/restaurants/" + url.PathEscape(r.Slug) + "/tables#sections-h",
		Basics: Basics{Name: r.Name, TimeZone: r.TimeZone, Currency: r.Currency, Country: r.Country, Languages: r.Languages,
			Default: r.Languages[0]},
		MaxRating: r.Rules.MaxRating, UrgentTags: r.Rules.UrgentTags, AtTable: r.Rules.AtTable,
		EscalateMins: strconv.FormatFloat(r.Rules.EscalateAfter.Minutes(), 'f', -1, 64),
		VoiceLow:     percent(r.VoiceRate.Low), VoiceCentral: percent(r.VoiceRate.Central),
		VoiceHigh: percent(r.VoiceRate.High), TeamNames: strings.Join(r.TeamNames, ", "), ReviewLinks: strings.Join(r.ReviewLinks, "\n"),
		OfferCeiling: r.OfferCeiling.Decimal(), Currency: r.Currency,
	}
}

// NewAPITokenRow is a token on the settings page, its dates in the
// restaurant's zone.
func NewAPITokenRow(t store.APIToken, loc *time.Location, revokeURL string) APITokenRow {
	used := "never used"
	if !t.LastUsedAt.IsZero() {
		used = "last used " + t.LastUsedAt.In(loc).Format("2 Jan 2006")
	}
	return APITokenRow{Name: t.Name, Prefix: t.Prefix, Created: t.CreatedAt.In(loc).Format("2 Jan 2006"), LastUsed: used, RevokeURL: revokeURL}
}

// CountryName names a country code in English ("PT" is Portugal), or gives
// the code back if it has no name.
func CountryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	return cmp.Or(display.English.Regions().Name(r), code)
}
