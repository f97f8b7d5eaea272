package handlers

import (
	"slices"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"github.com/tableside/tableside/store"
)

// dinerLanguage is the language a diner reads a restaurant's pages in: the
// one asked for with ?lang= (or the form's lang) when the restaurant offers
// it, else the best match of the browser's Accept-Language among those it
// offers, else its default (the first it offers).
func dinerLanguage(c echo.Context, offered []string) string {
	if len(offered) == 0 {
		offered = []string{"en"}
	}
	for _, asked := range []string{c.QueryParam("lang"), c.FormValue("lang")} {
		if asked != "" && slices.Contains(offered, asked) {
			return asked
		}
	}
	return matchLanguage(c.Request().Header.Get("Accept-Language"), offered)
}

// matchLanguage picks, of offered (the default first), the one that best
// suits an Accept-Language header: zh-TW falls back to zh-CN, pt-BR to pt,
// and a language not offered at all to the default.
func matchLanguage(acceptLanguage string, offered []string) string {
	tags := make([]language.Tag, len(offered))
	for i, o := range offered {
		tags[i] = language.Make(o)
	}
	asked, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(asked) == 0 {
		return offered[0]
	}
	_, i, conf := language.NewMatcher(tags).Match(asked...)
	if conf == language.No {
		return offered[0]
	}
	return offered[i]
}

// storedLanguage is the diner language a response records: the one its
// form was shown in, if it is one of Tableside's, else the best of the ten
// for the browser.
func storedLanguage(formLang, acceptLanguage string) string {
	if slices.Contains(store.DinerLanguages, formLang) {
		return formLang
	}
	tag := matchLanguage(acceptLanguage, append([]string{""}, store.DinerLanguages...))
	return tag
}
