package handlers

import (
	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// render writes a component as the response with the given status. It renders
// into a buffer first so that a failing component yields an error page, not half
// a page.
func (h *Handler) render(c echo.Context, status int, component templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := component.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}
