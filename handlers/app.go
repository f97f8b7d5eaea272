package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/static"
)

// themeColor is the colour of an installed floor app's title bar.
const themeColor = "#0f5c4d"

// webManifest is a web app manifest (https://www.w3.org/TR/appmanifest/): what
// a browser needs to install the floor page to a tablet's home screen and open
// it full screen, like an app.
type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	Orientation     string         `json:"orientation"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

// Manifest answers the floor app's manifest: GET /manifest.webmanifest. It
// holds nothing private, so browsers may fetch it without credentials.
func (h *Handler) Manifest(c echo.Context) error {
	m := webManifest{
		Name: "Tableside floor", ShortName: "Floor",
		Description: "Guests' calls for help, live, for the floor manager.",
		StartURL:    "/floor", Scope: "/floor", Display: "standalone", Orientation: "any",
		BackgroundColor: "#f7f5f2", ThemeColor: themeColor,
		Icons: []manifestIcon{
			{Src: h.assets.URL("icon-192.png"), Sizes: "192x192", Type: "image/png", Purpose: "any maskable"},
			{Src: h.assets.URL("icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "any maskable"},
		},
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	c.Response().Header().Set(echo.HeaderContentType, "application/manifest+json")
	return c.JSON(http.StatusOK, m)
}

// ServiceWorker answers the floor's service worker: GET /sw.js. It lives at a
// fixed address, because its scope follows from it, and is revalidated on
// every check so that a new version takes over after a deploy.
func (h *Handler) ServiceWorker(c echo.Context) error {
	b, err := static.Read("sw.js")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", b)
}
