package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// handleError is the one error path: it maps an error to a status, renders the
// error page, and logs only server faults.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, heading, message := describeError(c, err)
	if status >= 500 {
		h.log.Error("request failed", "status", status, "method", c.Request().Method,
			"path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "5")
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if rerr := h.render(c, status, views.ErrorPage(h.page(heading), heading, message)); rerr != nil {
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

// describeError gives the status, a heading and a plain-words message for err.
// Messages of *store.Error are written for people; those of Echo's own errors
// are not, so each status gets ours.
func describeError(c echo.Context, err error) (status int, heading, message string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	} else {
		status = statusOf[store.ErrorCode(err)]
		var se *store.Error
		if errors.As(err, &se) && se != store.ErrNotFound && (status < 500 || status == http.StatusServiceUnavailable) {
			return status, headingFor(status), se.Message
		}
	}
	switch status {
	case http.StatusNotFound:
		return status, headingFor(status), "We couldn't find that page. If you scanned a QR code, please ask a member of staff."
	case http.StatusRequestEntityTooLarge:
		if c.Path() == "/covers/import" {
			return status, headingFor(status), "That file is over " + strings.TrimSuffix(importLimit, "K") + " KB. A covers file has one short line a day (ten years is about 150 KB): check it is the right file."
		}
		return status, headingFor(status), "That was more than we can take in one go. Please shorten it and try again."
	case http.StatusTooManyRequests:
		return status, headingFor(status), "We've had a lot of requests from this connection. Please wait a minute and try again."
	case http.StatusMethodNotAllowed:
		return status, headingFor(status), "That page can't be used that way."
	case http.StatusServiceUnavailable:
		return status, headingFor(status), "We could not save this just now. Please try again in a moment."
	}
	if status >= 400 && status < 500 {
		return status, headingFor(status), "Something about that request wasn't right."
	}
	return http.StatusInternalServerError, headingFor(http.StatusInternalServerError),
		"Something went wrong on our side. Please try again."
}

func headingFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusRequestEntityTooLarge:
		return "That was too long"
	case http.StatusTooManyRequests:
		return "Slow down a moment"
	case http.StatusServiceUnavailable:
		return "Please try again"
	case http.StatusInternalServerError:
		return "Sorry, something broke"
	}
	return http.StatusText(status)
}
