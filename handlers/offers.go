package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// SendOffer sends the guest of an alert an apology with an offer, an item
// or an amount, valid for days: POST /floor/alerts/:id/offer?r=SLUG. Its
// code is for the guest (their receipt shows it), never in a URL here.
func (h *Handler) SendOffer(c echo.Context) error {
	r, id, err := h.floorAlert(c)
	if err != nil {
		return err
	}
	in := store.OfferInput{Item: c.FormValue("item")}
	in.Days, _ = strconv.Atoi(c.FormValue("days"))
	if s := c.FormValue("amount"); s != "" {
		amount, err := store.ParseMoney(s, r.Currency)
		if err != nil {
			return h.offerRefused(c, r, store.ErrorMessage(err))
		}
		in.Amount = amount
	}
	in.Letter = func(l store.OfferLetter) (store.EmailMessage, error) {
		return views.OfferEmail(c.Request().Context(), r, l, h.cfg.BaseURL+"/r/"+l.Offer.ReceiptID)
	}
	sent, err := h.db.SendOffer(c.Request().Context(), r.ID, id, staffOf(c).user.ID, in)
	if ps := store.Problems(err); len(ps) > 0 {
		return h.offerRefused(c, r, ps[0].Message)
	}
	if err != nil {
		return err
	}
	done := "offer"
	if sent.Mailed {
		done = "offer-mailed"
	}
	return c.Redirect(http.StatusSeeOther, floorPath(r)+"&done="+done)
}

// offerRefused answers an offer that was not sent with the floor and why.
func (h *Handler) offerRefused(c echo.Context, r store.Restaurant, message string) error {
	return h.renderFloor(c, http.StatusUnprocessableEntity, r, floorForms{offer: message})
}

// noSuchOffer answers a code that is no offer of the restaurant's.
const noSuchOffer = "No offer of this restaurant has that code: check it letter by letter."

// Redeem is the door's page for an offer: GET /floor/redeem?r=SLUG[&code=]
// shows the offer of a code typed or scanned, with the complaint it
// answers; POST redeems it, once.
func (h *Handler) Redeem(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	m := views.Redeem{Action: redeemPath(r), Code: c.QueryParam("code")}
	if c.Request().Method == http.MethodPost {
		m.Code = c.FormValue("code")
		o, err := h.db.RedeemOffer(c.Request().Context(), r.ID, staffOf(c).user.ID, m.Code)
		switch ps := store.Problems(err); {
		case errors.Is(err, store.ErrNotFound):
			m.Error = noSuchOffer
		case len(ps) > 0:
			m.Offer = views.NewOfferView(o, r, h.now())
			m.Error = views.RedeemRefusal(ps[0].Key, m.Offer, ps[0].Message)
		case err != nil:
			return err
		default:
			m.Done, m.Offer = true, views.NewOfferView(o, r, h.now())
		}
	} else if m.Code != "" {
		o, err := h.db.OfferByCode(c.Request().Context(), r.ID, m.Code)
		switch {
		case errors.Is(err, store.ErrNotFound):
			m.Error = noSuchOffer
		case err != nil:
			return err
		default:
			m.Offer = views.NewOfferView(o, r, h.now())
		}
	}
	status := http.StatusOK
	if m.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.RedeemPage(h.staffPage(c, "Redeem an offer · "+r.Name, r, "Redeem"), m))
}

// redeemURL is the door's page showing the offer of code: what the QR code
// on the guest's receipt opens on a staff tablet or phone.
func (h *Handler) redeemURL(r store.Restaurant, code string) string {
	return h.cfg.BaseURL + "/floor/redeem?" + url.Values{"r": {r.Slug}, "code": {code}}.Encode()
}

// redeemLimiter bounds the codes one session and one address may try: 20 a
// minute each, so a code cannot be guessed by trying.
func redeemLimiter(key func(c echo.Context) string, perMinute int) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool { return c.Request().Method != http.MethodPost && c.QueryParam("code") == "" },
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return key(c), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "60")
			return store.Errorf(store.ELimit, "Too many codes tried: wait a minute, then try again.")
		},
	})
}
