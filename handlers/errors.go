package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// handleError is the one error path: it maps an error to a status, renders the
// error page, and logs only server faults, by route ("/r/:receipt"), never by
// a path that holds a receipt id or a token.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) || c.Request().Context().Err() != nil {
		// The client hung up: nobody reads an answer, and it is no fault of
		// the server's (an attacker's resets must not flood the log).
		h.log.Debug("request ended: the client went away", "method", c.Request().Method, "route", c.Path())
		return
	}
	p, t := h.page(""), views.Translator("en") // staff pages are English
	if isDinerPath(c.Request().URL.Path) {
		p, t = h.dinerPage(c, dinerLanguage(c, store.DinerLanguages), "")
	}
	status, heading, message := describeError(c, err, t)
	switch code := store.ErrorCode(err); {
	case code == store.EUnavailable:
		h.metrics.dbErrors.WithLabelValues("unavailable").Inc()
	case status >= 500:
		h.metrics.dbErrors.WithLabelValues("internal").Inc()
	}
	if status >= 500 {
		h.log.Error("request failed", "status", status, "method", c.Request().Method,
			"route", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "5")
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if strings.HasSuffix(c.Request().URL.Path, ".json") { // the API answers in JSON
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="tableside"`)
		}
		if rerr := c.JSON(status, map[string]string{"error": message}); rerr != nil {
			h.log.Error("writing the error failed", "err", rerr)
		}
		return
	}
	p.Title = heading
	if rerr := h.render(c, status, views.ErrorPage(p, heading, message)); rerr != nil {
		h.log.Error("rendering the error page failed", "err", rerr)
	}
}

// statusOf maps application error codes to HTTP statuses, in one place.
var statusOf = map[store.Code]int{
	store.ENotFound:    http.StatusNotFound,
	store.EInvalid:     http.StatusUnprocessableEntity,
	store.EConflict:    http.StatusConflict,
	store.EUnavailable: http.StatusServiceUnavailable,
	store.ELocked:      http.StatusTooManyRequests,
	store.ELimit:       http.StatusTooManyRequests,
	store.EInternal:    http.StatusInternalServerError,
}

// dinerError is why a diner's page cannot be shown: a status and a message
// of the diners' catalogue, which the error page prints in their language.
type dinerError struct {
	status int
	key    string
}

func (e dinerError) Error() string { return views.Translator("en").S(e.key) }

// describeError gives the status, a heading and a plain-words message for
// err, in t's language. Messages of *store.Error are written for people (in
// English: staff read them, diners get their status's message); those of
// Echo's own errors are not, so each status gets ours.
func describeError(c echo.Context, err error, t views.T) (status int, heading, message string) {
	var he *echo.HTTPError
	var de dinerError
	switch {
	case errors.As(err, &de):
		return de.status, headingFor(de.status, t), t.S(de.key)
	case errors.As(err, &he):
		status = he.Code
		if msg, ok := he.Message.(string); ok && status == http.StatusUnauthorized && msg != "" {
			return status, http.StatusText(status), msg
		}
	default:
		status = statusOf[store.ErrorCode(err)]
		var se *store.Error
		// A diner reads the status's own words, in their language.
		if errors.As(err, &se) && se != store.ErrNotFound && (status < 500 || status == http.StatusServiceUnavailable) &&
			!isDinerPath(c.Request().URL.Path) {
			return status, headingFor(status, t), se.Message
		}
	}
	switch status {
	case http.StatusRequestEntityTooLarge:
		if c.Path() == "/covers/import" {
			return status, headingFor(status, t), "That file is over " + strings.TrimSuffix(importLimit, "K") + " KB. A covers file has one short line a day (ten years is about 150 KB): check it is the right file."
		}
		fallthrough
	case http.StatusNotFound, http.StatusTooManyRequests, http.StatusMethodNotAllowed, http.StatusServiceUnavailable:
		return status, headingFor(status, t), t.S("error." + strconv.Itoa(status))
	}
	if status >= 400 && status < 500 {
		return status, headingFor(status, t), t.S("error.400")
	}
	return http.StatusInternalServerError, headingFor(http.StatusInternalServerError, t), t.S("error.500")
}

// headingFor is the error page's heading for a status.
func headingFor(status int, t views.T) string {
	switch status {
	case http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests,
		http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusMethodNotAllowed, http.StatusBadRequest:
		return t.S("error." + strconv.Itoa(status) + ".heading")
	}
	return http.StatusText(status)
}
