package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Restaurant is one venue; its time zone decides what "today" and "this week"
// mean on its pages.
type Restaurant struct {
	ID       int64
	Slug     string
	Name     string
	TimeZone string
	Currency string // ISO 4217 code; amounts are integer cents (minor units) of it
	// Country is ISO 3166-1 alpha-2 ("GB"), or "" if not set: phone
	// numbers written without a country code are read as its (contacts.go).
	Country string
	Rules   AlertRules
	// VoiceRate is the owner's assumption of the share of unhappy guests who
	// complain to a manager, for the silent-dissatisfaction estimate.
	VoiceRate Range
	// TeamNames are first names of the team, counted when praise names them.
	TeamNames []string
	// Languages are the languages offered to diners (tags of
	// DinerLanguages), the default first.
	Languages []string
	// ReviewLinks are where guests may review the restaurant publicly (up
	// to MaxReviewLinks https addresses), shown alike on every receipt.
	ReviewLinks []string
	// OfferCeiling is the most a manager may offer a guest as an amount.
	OfferCeiling Money

	// loc is TimeZone loaded, when the restaurant was read or made.
	loc *time.Location
}

// restaurantColumns reads a Restaurant with scanRestaurant.
const restaurantColumns = `id, slug, name, time_zone, currency, country, ` + rulesColumns +
	`, voice_low_bp, voice_central_bp, voice_high_bp, team_names, languages, review_links, offer_ceiling_minor`

const rulesColumns = `alert_max_rating, alert_urgent_tags, alert_at_table, escalate_after_s`

func scanRules(row rowScanner) (AlertRules, error) {
	var r AlertRules
	var secs int64
	err := row.Scan(&r.MaxRating, &r.UrgentTags, &r.AtTable, &secs)
	r.EscalateAfter = time.Duration(secs) * time.Second
	return r, err
}

func (db *DB) scanRestaurant(row rowScanner) (Restaurant, error) {
	var r Restaurant
	err := db.scanRestaurantAfter(row, &r)
	return r, err
}

// scanRestaurantAfter scans the columns before restaurantColumns into
// leading, then the restaurant into r, with its time zone loaded: a stored
// zone this build does not know is an error, not UTC.
func (db *DB) scanRestaurantAfter(row rowScanner, r *Restaurant, leading ...any) error {
	var secs, low, central, high int64
	var team, langs, reviews string
	err := row.Scan(append(leading, &r.ID, &r.Slug, &r.Name, &r.TimeZone, &r.Currency, &r.Country,
		&r.Rules.MaxRating, &r.Rules.UrgentTags, &r.Rules.AtTable, &secs, &low, &central, &high, &team, &langs, &reviews, &r.OfferCeiling.Minor)...)
	if err != nil {
		return dbError(err)
	}
	r.Rules.EscalateAfter = time.Duration(secs) * time.Second
	r.VoiceRate = Range{Low: float64(low) / 10000, Central: float64(central) / 10000, High: float64(high) / 10000}
	r.TeamNames = splitNames(team)
	r.Languages = strings.Split(langs, ",")
	r.ReviewLinks = strings.Fields(reviews)
	r.OfferCeiling.Currency = r.Currency
	return db.setLocation(r)
}

// setLocation loads the restaurant's time zone into it.
func (db *DB) setLocation(r *Restaurant) error {
	loc, err := db.zones.load(r.TimeZone)
	if err != nil {
		return fmt.Errorf("restaurant %s: %w", r.Slug, err)
	}
	r.loc = loc
	return nil
}

// splitNames reads a comma-separated list of names, dropping blanks and
// repeats.
func splitNames(s string) []string {
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.Join(strings.Fields(n), " ")
		if n != "" && !slices.ContainsFunc(names, func(m string) bool { return strings.EqualFold(m, n) }) {
			names = append(names, n)
		}
	}
	return names
}

// MaxTeamNames bounds the team names a restaurant keeps.
const MaxTeamNames = 100

// SetSummarySettings changes a restaurant's voice-rate range and team names.
func (db *DB) SetSummarySettings(ctx context.Context, restaurantID int64, voice Range, team []string) error {
	return db.update(ctx, func(tx *Tx) error { return setSummarySettings(ctx, tx, restaurantID, voice, team) })
}

// MaxReviewLinks is how many review links a restaurant offers at most.
const MaxReviewLinks = 3

// checkReviewLinks checks review links (field "reviews"): at most three,
// each an https address of a host, no password in it, at most 300
// characters; blanks are left out.
func checkReviewLinks(links []string) ([]string, []Problem) {
	var out []string
	for _, l := range links {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(l) > 300 || strings.ContainsAny(l, " \t") {
			return nil, []Problem{{Field: "reviews", Message: fmt.Sprintf("A review link is an https:// address, such as https://g.page/r/…/review (not %q).", l)}}
		}
		out = append(out, u.String())
	}
	if len(out) > MaxReviewLinks {
		return nil, []Problem{{Field: "reviews", Message: fmt.Sprintf("At most %d review links.", MaxReviewLinks)}}
	}
	return out, nil
}

// MaxTeamName is the longest team name, in characters.
const MaxTeamName = 40

// checkSummary checks a voice-rate range (voice) and team names (team),
// and returns the names tidied: trimmed, the empty ones left out.
func checkSummary(voice Range, team []string) ([]string, []Problem) {
	var ps []Problem
	in := func(f float64) bool { return f > 0 && f <= 1 } // false for NaN: a figure that was not a number
	switch {
	case !in(voice.Low) || !in(voice.Central) || !in(voice.High):
		ps = append(ps, Problem{Field: "voice", Message: "Voice rates are three percentages above 0 and at most 100."})
	case voice.Low > voice.Central || voice.Central > voice.High:
		ps = append(ps, Problem{Field: "voice", Message: "The voice rates go up: lowest ≤ most likely ≤ highest."})
	}
	var names []string
	for _, n := range team {
		if n = strings.Join(strings.Fields(n), " "); n == "" {
			continue
		}
		if strings.Contains(n, ",") || utf8.RuneCountInString(n) > MaxTeamName {
			ps = append(ps, Problem{Field: "team", Message: fmt.Sprintf("A team name is a first name of at most %d characters; separate names with commas (not %q).", MaxTeamName, n)})
			break
		}
		names = append(names, n)
	}
	if len(names) > MaxTeamNames {
		ps = append(ps, Problem{Field: "team", Message: fmt.Sprintf("List at most %d names.", MaxTeamNames)})
	}
	return names, ps
}

func setSummarySettings(ctx context.Context, tx *Tx, restaurantID int64, voice Range, team []string) error {
	team, ps := checkSummary(voice, team)
	if err := Invalid(ps); err != nil {
		return err
	}
	bp := func(f float64) int64 { return int64(math.Round(f * 10000)) }
	low, central, high := bp(voice.Low), bp(voice.Central), bp(voice.High)
	res, err := tx.ExecContext(ctx, `UPDATE restaurants SET voice_low_bp = ?, voice_central_bp = ?, voice_high_bp = ?,
		team_names = ? WHERE id = ?`, low, central, high, strings.Join(team, ", "), restaurantID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Location returns the restaurant's time zone, loaded when the restaurant was
// read from the store. A Restaurant that did not come from the store has none:
// asking for it is a programming error.
func (r Restaurant) Location() *time.Location {
	if r.loc == nil {
		panic("store: the time zone of restaurant " + strconv.Quote(r.Slug) + " was never loaded")
	}
	return r.loc
}

var (
	slugRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// reservedSlugs are paths under /restaurants/ that are pages, not restaurants.
var reservedSlugs = []string{"new"}

// Slugify makes a slug from a restaurant's name: "Café Lumière" gives
// "cafe-lumiere". A name with no Latin letters or digits gives "".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r): // an accent, taken off its letter
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	return s
}

// DinerLanguages are the languages a diner may read the survey in, as
// BCP 47 tags.
var DinerLanguages = []string{"en", "es", "fr", "de", "it", "pt", "zh-CN", "ja", "ko", "ar"}

// CheckLanguages reads a list of languages offered to diners (the default
// first), such as "en,fr": each must be one of DinerLanguages, once.
func CheckLanguages(tags []string) ([]string, error) {
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		i := slices.IndexFunc(DinerLanguages, func(l string) bool { return strings.EqualFold(l, t) })
		if i < 0 {
			return nil, Errorf(EInvalid, "%q is not a language Tableside offers diners; choose from %s.", t, strings.Join(DinerLanguages, ", "))
		}
		if !slices.Contains(out, DinerLanguages[i]) {
			out = append(out, DinerLanguages[i])
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EInvalid, "Offer diners at least one language.")
	}
	return out, nil
}

// CreateRestaurant stores a new restaurant and returns it with its id.
func (db *DB) CreateRestaurant(ctx context.Context, r Restaurant) (Restaurant, error) {
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		r, err = db.createRestaurant(ctx, tx, r)
		return err
	})
	return r, err
}

// CheckRestaurantName tidies a restaurant's name (spaces) and refuses an
// empty one, one over 80 characters, or one with control characters.
func CheckRestaurantName(name string) (string, error) {
	return oneLineName(name, "A restaurant's name", "A restaurant needs a name.")
}

// CheckSlug refuses what cannot be a new restaurant's slug.
func CheckSlug(slug string) error {
	if !slugRE.MatchString(slug) || slices.Contains(reservedSlugs, slug) {
		return Errorf(EInvalid, "A slug is 1–40 lower-case letters, digits or dashes, starting with a letter or digit (not %q).", slug)
	}
	return nil
}

// CheckTimeZone refuses a name that is not an IANA time zone.
func CheckTimeZone(name string) error {
	var z zones
	_, err := z.load(name)
	return err
}

// checkBasics checks and tidies a restaurant's name, zone, currency,
// country and languages, and finds its zone: the problems of each field,
// all at once.
func (db *DB) checkBasics(r *Restaurant) []Problem {
	var ps []Problem
	if name, err := CheckRestaurantName(r.Name); err != nil {
		ps = append(ps, problem("name", err))
	} else {
		r.Name = name
	}
	if err := CheckTimeZone(r.TimeZone); err != nil {
		ps = append(ps, problem("time_zone", err))
	}
	if err := CheckCurrency(r.Currency); err != nil {
		ps = append(ps, problem("currency", err))
	}
	if langs, err := CheckLanguages(r.Languages); err != nil {
		ps = append(ps, problem("languages", err))
	} else {
		r.Languages = langs
	}
	if country, err := CheckCountry(r.Country); err != nil {
		ps = append(ps, problem("country", err))
	} else {
		r.Country = country
	}
	if len(ps) == 0 {
		if err := db.setLocation(r); err != nil {
			ps = append(ps, problem("time_zone", err))
		}
	}
	return ps
}

func (db *DB) createRestaurant(ctx context.Context, tx *Tx, r Restaurant) (Restaurant, error) {
	if r.Slug == "" {
		r.Slug = Slugify(r.Name)
	}
	var ps []Problem
	if err := CheckSlug(r.Slug); err != nil {
		ps = append(ps, problem("slug", err))
	}
	r.TimeZone, r.Currency = cmp.Or(r.TimeZone, "UTC"), cmp.Or(r.Currency, "USD")
	if len(r.Languages) == 0 {
		r.Languages = []string{"en"}
	}
	if err := Invalid(append(ps, db.checkBasics(&r)...)); err != nil {
		return r, err
	}
	bp := func(f float64) int64 { return int64(math.Round(f * 10000)) }
	err := tx.QueryRowContext(ctx, `INSERT INTO restaurants (slug, name, time_zone, currency, country, languages, created_at,
			voice_low_bp, voice_central_bp, voice_high_bp)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id`,
		r.Slug, r.Name, r.TimeZone, r.Currency, r.Country, strings.Join(r.Languages, ","), tx.nowMillis(),
		bp(DefaultVoiceRate.Low), bp(DefaultVoiceRate.Central), bp(DefaultVoiceRate.High)).Scan(&r.ID)
	r.Rules, r.VoiceRate = DefaultAlertRules(), DefaultVoiceRate
	if errors.Is(err, sql.ErrNoRows) {
		return r, Errorf(EConflict, "A restaurant with the slug %q exists already.", r.Slug)
	}
	return r, err
}

// CreateRestaurantFor makes a restaurant with the user as its owner, in one
// transaction.
func (db *DB) CreateRestaurantFor(ctx context.Context, ownerID int64, r Restaurant) (Restaurant, error) {
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if r, err = db.createRestaurant(ctx, tx, r); err != nil {
			return err
		}
		_, err = addMembership(ctx, tx, ownerID, r.ID, RoleOwner, "")
		return err
	})
	return r, err
}

// RestaurantSettings is everything an owner sets on the settings page.
type RestaurantSettings struct {
	Name, TimeZone, Currency string
	Country                  string   // ISO 3166-1 alpha-2, or ""
	Languages                []string // the default first
	Rules                    AlertRules
	VoiceRate                Range
	TeamNames                []string
	ReviewLinks              []string
	OfferCeiling             Money // in the restaurant's currency; zero: amounts are not offered
}

// SaveSettings changes a restaurant's name, zone, currency, languages, alert
// rules and summary settings together, or none of them.
func (db *DB) SaveSettings(ctx context.Context, restaurantID int64, s RestaurantSettings) error {
	r := Restaurant{Name: s.Name, TimeZone: s.TimeZone, Currency: s.Currency, Country: s.Country, Languages: s.Languages}
	ps := db.checkBasics(&r)
	ps = append(ps, checkRules(s.Rules)...)
	team, summary := checkSummary(s.VoiceRate, s.TeamNames)
	reviews, bad := checkReviewLinks(s.ReviewLinks)
	if c := s.OfferCeiling; c.Minor < 0 || c.Minor > MaxMajor*pow10(Exponent(r.Currency)) || c.Minor > 0 && c.Currency != r.Currency {
		bad = append(bad, Problem{Field: "offer_ceiling", Message: "The most an offer may be is an amount in the restaurant's currency, 0 or more."})
	}
	if err := Invalid(append(append(ps, summary...), bad...)); err != nil {
		return err
	}
	s.TeamNames = team
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE restaurants SET name = ?, time_zone = ?, currency = ?, country = ?, languages = ? WHERE id = ?`,
			r.Name, r.TimeZone, r.Currency, r.Country, strings.Join(r.Languages, ","), restaurantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := setAlertRules(ctx, tx, restaurantID, s.Rules); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE restaurants SET review_links = ?, offer_ceiling_minor = ? WHERE id = ?`,
			strings.Join(reviews, "\n"), s.OfferCeiling.Minor, restaurantID); err != nil {
			return err
		}
		return setSummarySettings(ctx, tx, restaurantID, s.VoiceRate, s.TeamNames)
	})
}

// RestaurantByID finds a restaurant by its id.
func (db *DB) RestaurantByID(ctx context.Context, id int64) (Restaurant, error) {
	return db.scanRestaurant(db.read.QueryRowContext(ctx, `SELECT `+restaurantColumns+` FROM restaurants WHERE id = ?`, id))
}

// RestaurantBySlug finds a restaurant by its slug.
func (db *DB) RestaurantBySlug(ctx context.Context, slug string) (Restaurant, error) {
	return db.scanRestaurant(db.read.QueryRowContext(ctx, `SELECT `+restaurantColumns+` FROM restaurants WHERE slug = ?`, slug))
}

// SetAlertRules changes a restaurant's alert rules.
func (db *DB) SetAlertRules(ctx context.Context, restaurantID int64, r AlertRules) error {
	if err := Invalid(checkRules(r)); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error { return setAlertRules(ctx, tx, restaurantID, r) })
}

// checkRules checks alert rules: the rating that raises an alert
// (max_rating) and when nobody's taking it escalates (escalate).
func checkRules(r AlertRules) []Problem {
	var ps []Problem
	if r.MaxRating < 0 || r.MaxRating > 5 {
		ps = append(ps, Problem{Field: "max_rating", Message: "Choose a rating from 0 (off) to 5."})
	}
	if r.EscalateAfter < 30*time.Second || r.EscalateAfter > time.Hour {
		ps = append(ps, Problem{Field: "escalate", Message: "Escalate after between half a minute and an hour (0.5 to 60 minutes)."})
	}
	return ps
}

func setAlertRules(ctx context.Context, tx *Tx, restaurantID int64, r AlertRules) error {
	res, err := tx.ExecContext(ctx, `UPDATE restaurants SET alert_max_rating = ?, alert_urgent_tags = ?, alert_at_table = ?,
		escalate_after_s = ? WHERE id = ?`, r.MaxRating, r.UrgentTags, r.AtTable, int64(r.EscalateAfter/time.Second), restaurantID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Restaurants lists every restaurant by name.
func (db *DB) Restaurants(ctx context.Context) ([]Restaurant, error) {
	var rs []Restaurant
	err := db.each(ctx, `SELECT `+restaurantColumns+` FROM restaurants ORDER BY name, id`, nil, func(row rowScanner) error {
		r, err := db.scanRestaurant(row)
		rs = append(rs, r)
		return err
	})
	return rs, err
}
