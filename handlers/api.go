package handlers

import (
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/static"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// The JSON API: one restaurant's weekly summary, for an owner's session or
// a read-only API token (Authorization: Bearer), described by the OpenAPI
// file at /api/openapi.yaml. Every figure is the summary page's.

// summaryDoc is GET /summary.json, as static/openapi.yaml describes it.
type summaryDoc struct {
	Restaurant struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"restaurant"`
	Week          string   `json:"week"`
	From          string   `json:"from"`
	To            string   `json:"to"`
	Partial       bool     `json:"partial"`
	Covers        *int     `json:"covers"`
	Responses     int      `json:"responses"`
	AverageRating *float64 `json:"average_rating"`
	Complaints    struct {
		Survey     int    `json:"survey"`
		Unprompted int    `json:"unprompted"`
		Total      int    `json:"total"`
		Definition string `json:"definition"`
	} `json:"complaints"`
	// SilentUnhappy and Estimate are null in a week without data.
	SilentUnhappy *rangeDoc    `json:"silent_unhappy"`
	Estimate      *estimateDoc `json:"estimate"`
	VoiceRate     struct {
		Low     float64 `json:"low"`
		Central float64 `json:"central"`
		High    float64 `json:"high"`
		Own     bool    `json:"own"`
		Weeks   int     `json:"weeks"`
	} `json:"voice_rate"`
	Comps           []compsDoc         `json:"comps"`
	Actions         []views.ActionLine `json:"actions"`
	ByDaypart       []daypartDoc       `json:"by_daypart"`
	BySection       []teamDoc          `json:"by_section"`
	ByPerson        []teamDoc          `json:"by_person"`
	Offers          offersDoc          `json:"offers"`
	PraiseQuotes    []quoteDoc         `json:"praise_quotes"`
	ComplaintQuotes []quoteDoc         `json:"complaint_quotes"`
}

type rangeDoc struct {
	Low    int    `json:"low"`
	Likely int    `json:"likely"`
	High   int    `json:"high"`
	Basis  string `json:"basis"`
}

// estimateDoc is the estimate as the page's headline says it, with the
// voice rate it used and, as context, what the four-percent rule would say.
type estimateDoc struct {
	rangeDoc
	VoiceRate struct {
		Value  float64 `json:"value"`
		Source string  `json:"source"` // "frontline" (assumed, TARP 1999/2005) or "learned" (this restaurant's weeks)
	} `json:"voice_rate"`
	ReachedOwner int `json:"reached_owner"`
	FourPercent  int `json:"four_percent_rule"`
}

// offersDoc are the week's offers to win guests back.
type offersDoc struct {
	Sent          int        `json:"sent"`
	Redeemed      int        `json:"redeemed"`
	RedeemedValue []compsDoc `json:"redeemed_value"`
	CameBack      int        `json:"came_back"`
}

// teamDoc is one section's or one person's week.
type teamDoc struct {
	Name             string `json:"name"`
	Answers          int    `json:"answers"`
	Complaints       int    `json:"complaints"`
	Praise           int    `json:"praise"`
	Alerts           int    `json:"alerts"`
	AckMedianSeconds *int   `json:"ack_median_s"`
	ResolvedPresent  int    `json:"resolved_while_present"`
}

func teamDocs(ls []store.TeamLine) []teamDoc {
	out := []teamDoc{}
	for _, l := range ls {
		d := teamDoc{Name: l.Name, Answers: l.Responses, Complaints: l.Complaints, Praise: l.Praise, Alerts: l.Alerts, ResolvedPresent: l.ResolvedPresent}
		if med, ok := l.AckMedian(); ok {
			secs := int(med.Round(time.Second) / time.Second)
			d.AckMedianSeconds = &secs
		}
		out = append(out, d)
	}
	return out
}

// daypartDoc is how the floor answered calls in one daypart.
type daypartDoc struct {
	Daypart          string     `json:"daypart"`
	Alerts           int        `json:"alerts"`
	Complaints       int        `json:"complaints"`
	AckMedianSeconds *int       `json:"ack_median_s"` // null without an acknowledgement
	ResolvedPresent  int        `json:"resolved_while_present"`
	Comps            []compsDoc `json:"comps"`
	FollowUps        int        `json:"follow_ups"`
	FollowUpsOnTime  int        `json:"follow_ups_on_time"`
}

type compsDoc struct {
	Currency    string `json:"currency"`
	AmountMinor int64  `json:"amount_minor"`
	Count       int    `json:"count"`
}

type quoteDoc struct {
	Text   string   `json:"text"`
	Rating *int     `json:"rating"` // null: none given (a guest at the table who asked for someone)
	Tags   []string `json:"tags"`
	At     string   `json:"at"`
	Table  string   `json:"table"`
}

// apiRestaurant is the restaurant an API request reads: its token's, or,
// for an owner's session, the one of ?r= (or the only one they own).
func (h *Handler) apiRestaurant(c echo.Context) (store.Restaurant, error) {
	slug := c.QueryParam("r")
	if auth := c.Request().Header.Get(echo.HeaderAuthorization); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return store.Restaurant{}, unauthorized("Send the token as Authorization: Bearer TOKEN.")
		}
		r, err := h.db.RestaurantByAPIToken(c.Request().Context(), strings.TrimSpace(secret))
		if store.ErrorCode(err) == store.ENotFound {
			return r, unauthorized("That token is not (or no longer) valid: an owner makes one on the restaurant's settings page.")
		}
		if err == nil && slug != "" && slug != r.Slug {
			return r, store.ErrNotFound // a token reads its own restaurant only
		}
		return r, err
	}
	if _, ok := c.Get(staffKey).(*staff); !ok {
		return store.Restaurant{}, unauthorized("Sign in as an owner, or send an API token as Authorization: Bearer TOKEN.")
	}
	sc, err := h.summaryScope(c) // the summary page's owners and ?r=
	if err != nil {
		return store.Restaurant{}, err
	}
	if len(sc.restaurants) > 1 {
		return store.Restaurant{}, store.Errorf(store.EInvalid, "You own several restaurants: say which with r=SLUG.")
	}
	return sc.restaurants[0], nil
}

// unauthorized is a 401 that says how to authenticate.
func unauthorized(message string) error {
	return echo.NewHTTPError(http.StatusUnauthorized, message)
}

// SummaryJSON is a restaurant's weekly summary as JSON:
// GET /summary.json?r=SLUG&week=YYYY-Www (the last complete week without
// week).
func (h *Handler) SummaryJSON(c echo.Context) error {
	r, err := h.apiRestaurant(c)
	if err != nil {
		return err
	}
	w, err := askedWeek(c, r.Location(), h.now())
	if err != nil {
		return err
	}
	s, err := h.db.Summary(c.Request().Context(), []store.Restaurant{r}, w.String())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, newSummaryDoc(r, w, s, h.cfg.BaseURL))
}

// newSummaryDoc lays a summary out for the API.
func newSummaryDoc(r store.Restaurant, w store.Week, s store.Summary, base string) summaryDoc {
	var d summaryDoc
	t := s.This
	d.Restaurant.Slug, d.Restaurant.Name = r.Slug, r.Name
	d.Week, d.Partial, d.Responses = w.String(), s.Partial, t.Responses
	d.From, d.To = w.Start.Format("2006-01-02"), w.End.AddDate(0, 0, -1).Format("2006-01-02")
	if t.CoverDays > 0 {
		covers := t.Covers
		d.Covers = &covers
	}
	if avg, ok := t.Average(); ok {
		avg = math.Round(avg*100) / 100
		d.AverageRating = &avg
	}
	d.Complaints.Survey, d.Complaints.Unprompted, d.Complaints.Total = t.Complained.Survey, t.Complained.Unprompted, t.Complained.Total()
	d.Complaints.Definition = store.ComplaintDefinition
	if e := s.Estimate; !e.NoData() {
		est := &estimateDoc{ReachedOwner: e.Office, FourPercent: int(math.Round(e.FourPercent))}
		est.Low, est.Likely, est.High = views.Whole(e.Unhappy)
		est.Basis = e.Basis
		est.VoiceRate.Value, est.VoiceRate.Source = e.Voice.Rate.Central, "frontline"
		if e.Voice.Own {
			est.VoiceRate.Source = "learned"
		}
		d.Estimate, d.SilentUnhappy = est, &est.rangeDoc
	}
	e := s.Estimate
	d.VoiceRate.Low, d.VoiceRate.Central, d.VoiceRate.High = e.Voice.Rate.Low, e.Voice.Rate.Central, e.Voice.Rate.High
	d.VoiceRate.Own, d.VoiceRate.Weeks = e.Voice.Own, e.Voice.Weeks
	d.Comps = []compsDoc{}
	for _, c := range t.Comps {
		d.Comps = append(d.Comps, compsDoc{Currency: c.Total.Currency, AmountMinor: c.Total.Minor, Count: c.Count})
	}
	quotes := func(cs []store.Comment) []quoteDoc {
		out := []quoteDoc{}
		for _, c := range cs {
			q := quoteDoc{Text: c.Text, Tags: append([]string{}, c.Tags...),
				At: c.At.In(r.Location()).Format("2006-01-02T15:04:05Z07:00"), Table: c.Table}
			if c.Rating > 0 {
				q.Rating = &c.Rating
			}
			out = append(out, q)
		}
		return out
	}
	d.PraiseQuotes, d.ComplaintQuotes = quotes(t.Wow), quotes(t.ComplaintQuotes)
	d.Actions = views.Actions(s, strings.TrimRight(base, "/"))
	d.BySection, d.ByPerson = teamDocs(s.Restaurants[0].BySection), teamDocs(s.Restaurants[0].ByPerson)
	d.Offers = offersDoc{Sent: s.Offers.Sent, Redeemed: s.Offers.Redeemed, CameBack: s.Offers.CameBack, RedeemedValue: []compsDoc{}}
	for _, c := range s.Offers.RedeemedValue {
		d.Offers.RedeemedValue = append(d.Offers.RedeemedValue, compsDoc{Currency: c.Total.Currency, AmountMinor: c.Total.Minor, Count: c.Count})
	}
	d.ByDaypart = []daypartDoc{}
	for _, rc := range s.Recovery {
		p := daypartDoc{Daypart: string(rc.Daypart), Alerts: rc.Alerts, Complaints: rc.Complaints, ResolvedPresent: rc.ResolvedPresent,
			Comps: []compsDoc{}, FollowUps: rc.FollowUps, FollowUpsOnTime: rc.FollowUpsOnTime}
		if med, ok := rc.AckMedian(); ok {
			secs := int(med.Round(time.Second) / time.Second)
			p.AckMedianSeconds = &secs
		}
		for _, c := range rc.Comps {
			p.Comps = append(p.Comps, compsDoc{Currency: c.Total.Currency, AmountMinor: c.Total.Minor, Count: c.Count})
		}
		d.ByDaypart = append(d.ByDaypart, p)
	}
	return d
}

// OpenAPI serves the API's description: GET /api/openapi.yaml.
func (h *Handler) OpenAPI(c echo.Context) error {
	doc, err := static.Read("openapi.yaml")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/yaml", doc)
}
