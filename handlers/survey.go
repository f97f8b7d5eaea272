package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// errUnknownTable is what a diner sees for a QR code that is not (or no
// longer) a table's: a friendly 404, in their language.
var errUnknownTable = dinerError{http.StatusNotFound, "error.unknown-table"}

// surveyTarget finds the table behind the :token of the URL, and keeps it
// in the process (h.targets) for when the database cannot be reached.
func (h *Handler) surveyTarget(c echo.Context) (store.SurveyTarget, error) {
	token := c.Param("token")
	if !keyRE.MatchString(token) {
		return store.SurveyTarget{}, errUnknownTable
	}
	t, err := h.db.SurveyTargetByToken(c.Request().Context(), token)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.targets.Delete(token)
		return t, errUnknownTable
	case err == nil:
		h.targets.Store(token, t)
	}
	return t, err
}

// surveyTargetOffline is the table of the URL when the database cannot be
// reached, to give a diner their form back: as this process last read it,
// else as the form itself carried it (the restaurant's and table's names,
// for the page's heading only).
func (h *Handler) surveyTargetOffline(c echo.Context, form url.Values) store.SurveyTarget {
	token := c.Param("token")
	if t, ok := h.targets.Load(token); ok {
		return t.(store.SurveyTarget)
	}
	t := store.SurveyTarget{Table: store.Table{Token: token, Label: form.Get("table_label")},
		Restaurant: store.Restaurant{Name: form.Get("venue")}}
	if lang := form.Get("lang"); lang != "" {
		t.Restaurant.Languages = []string{lang}
	}
	return t
}

// renderSurvey renders the survey form around what the diner typed, in
// their language, with a message by each answer errs names (the form's
// messages are keys of the diners' catalogue, printed here). Each
// rendering carries its own idempotency key, so the page is never cached.
func (h *Handler) renderSurvey(c echo.Context, status int, t store.SurveyTarget, in views.SurveyInput, errs surveyProblems) error {
	p, tr := h.dinerPage(c, dinerLanguage(c, t.Restaurant.Languages), "survey.js")
	p.Title = tr.S("survey.title", t.Restaurant.Name)
	action := "/t/" + t.Table.Token
	s := views.Survey{
		T:          tr,
		Action:     action,
		Restaurant: t.Restaurant.Name,
		Table:      t.Table.Label,
		Languages:  languageLinks(action, in.Check, t.Restaurant.Languages),
		Input:      in,
		Errors:     errs.in(tr),
		Focus:      errs.first(),
		Praise:     store.Tags(store.Praise),
		Complaints: store.Tags(store.Complaint),
		MaxComment: store.MaxComment,
		MaxName:    store.MaxName,
		MaxContact: store.MaxContact,
		RetainDays: h.cfg.RetainContactsDays,
	}
	return h.render(c, status, views.SurveyPage(p, s))
}

// SurveyShow renders a table's survey: GET /t/:token[?check=NUMBER].
func (h *Handler) SurveyShow(c echo.Context) error {
	t, err := h.surveyTarget(c)
	if err != nil {
		return err
	}
	// Every rendering gets a fresh key, never one from the URL: a shared link
	// must not make two diners' forms one response.
	in := views.SurveyInput{Key: store.NewFormKey(h.now()), Check: c.QueryParam("check")}
	if !checkRE.MatchString(in.Check) {
		in.Check = ""
	}
	return h.renderSurvey(c, http.StatusOK, t, in, nil)
}

// SurveySubmit stores a diner's response and sends them to its receipt:
// POST /t/:token. Bad input comes back as the form with the diner's answers
// and a message by each field (422); a replay answers with the first receipt.
// The insert itself finds the table by its token, so a valid submission costs
// one statement; only the slow paths look the table up for the form.
func (h *Handler) SurveySubmit(c echo.Context) error {
	token := c.Param("token")
	if !keyRE.MatchString(token) {
		return errUnknownTable
	}
	form, err := c.FormParams()
	if err != nil {
		return formError(err)
	}
	in := surveyInputFromForm(form)
	resp := surveyResponse(in, token)
	resp.Language = storedLanguage(form.Get("lang"), c.Request().Header.Get("Accept-Language"))
	receipt, outcome, err := h.db.CreateResponse(c.Request().Context(), resp)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errUnknownTable
	case len(store.Problems(err)) > 0:
		h.metrics.surveys.WithLabelValues("invalid").Inc()
		return h.surveyRefused(c, http.StatusUnprocessableEntity, form, store.Problems(err))
	case store.ErrorCode(err) == store.EUnavailable:
		h.metrics.surveys.WithLabelValues("unavailable").Inc()
		h.metrics.dbErrors.WithLabelValues("unavailable").Inc()
		// Nothing was saved: the diner gets their form back, as typed, to
		// send again (the same key: stored once), without asking the
		// database for anything.
		h.log.Error("survey not saved", "err", err)
		c.Response().Header().Set("Retry-After", "5")
		return h.renderSurvey(c, http.StatusServiceUnavailable, h.surveyTargetOffline(c, form), in, formProblem("survey.unavailable"))
	case err != nil:
		return err
	}
	if outcome == store.Created || outcome == store.Amended {
		h.metrics.surveys.WithLabelValues("stored").Inc()
	} else {
		h.metrics.surveys.WithLabelValues("replayed").Inc()
	}
	// A form sent again after an edit (Back, a change, Send) is never
	// dropped in silence: the receipt says whether the change was made.
	return c.Redirect(http.StatusSeeOther, "/r/"+receipt+editNote[outcome])
}

// editNote is what the receipt is asked to say after a form sent again
// with changed answers.
var editNote = map[store.Outcome]string{store.Amended: "?edit=saved", store.Unamended: "?edit=not-saved"}

// surveyRefused answers a submission that was not stored with the form as the
// diner filled it in and the reasons: never an error page that loses it,
// even with the database away.
func (h *Handler) surveyRefused(c echo.Context, status int, form url.Values, errs surveyProblems) error {
	t, err := h.surveyTarget(c)
	if store.ErrorCode(err) == store.EUnavailable {
		t, err = h.surveyTargetOffline(c, form), nil
	}
	if err != nil {
		return err
	}
	return h.renderSurvey(c, status, t, surveyInputFromForm(form), errs)
}

// formError turns a failure to read a form into the error to answer with: a body
// over the limit is 413, anything else a bad request.
func formError(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
}

// Receipt thanks the diner: GET /r/:receipt.
func (h *Handler) Receipt(c echo.Context) error {
	notFound := dinerError{http.StatusNotFound, "error.unknown-receipt"}
	id := c.Param("receipt")
	if !keyRE.MatchString(id) {
		return notFound
	}
	r, err := h.db.ResponseByPublicID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	p, tr := h.dinerPage(c, r.Language, "") // the survey's language
	m := views.Receipt{T: tr, Restaurant: r.RestaurantName, Table: r.TableLabel, GuestName: r.GuestName,
		Rating: r.Rating, AtTable: r.AtTable, Tags: r.Tags, Comment: r.Comment, Edit: map[string]string{"saved": "receipt.updated", "not-saved": "receipt.too-late"}[c.QueryParam("edit")]}
	p.Title = tr.S("receipt.title")
	restaurant, err := h.db.RestaurantByID(c.Request().Context(), r.RestaurantID)
	if err != nil {
		return err
	}
	m.Reviews = views.ReviewLinks(restaurant.ReviewLinks)
	offers, err := h.db.OffersForReceipt(c.Request().Context(), id)
	if err != nil {
		return err
	}
	m.OffersState = views.OffersState(offers)
	for _, o := range offers {
		code := h.db.OfferCode(o)
		v := views.NewGuestOfferView(o, restaurant, tr, code, h.now())
		if o.RedeemedAt.IsZero() && !v.Expired {
			if v.QR, err = qrSVG(h.redeemURL(restaurant, code)); err != nil {
				return err
			}
		}
		m.Offers = append(m.Offers, v)
	}
	a, err := h.db.AlertForReceipt(c.Request().Context(), id)
	switch {
	case err == nil:
		m.Alert = views.NewReceiptAlert(a, "/r/"+id+"/events")
		p.Scripts = []string{h.assets.URL("receipt.js")}
		if a.State != store.StateResolved {
			p.Refresh = 15
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return h.render(c, http.StatusOK, views.ReceiptPage(p, m))
}
