package handlers

import (
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
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
	return matchLanguage(acceptLanguage, append([]string{""}, store.DinerLanguages...))
}

// isDinerPath reports whether a path is one of a diner's pages (a table's
// survey, a receipt): their errors are in the diner's language too.
func isDinerPath(path string) bool {
	return strings.HasPrefix(path, "/t/") || strings.HasPrefix(path, "/r/")
}

// dinerPage is the layout of a page a diner reads, in lang, with its T: the
// diner's CSS inlined, and the script named (if any) too, each allowed by
// its hash alone; never cached, never indexed.
func (h *Handler) dinerPage(c echo.Context, lang, script string) (views.Page, views.T) {
	p := h.page("")
	p.Lang, p.Dir = views.PageLanguage(lang)
	p.NoIndex = true
	var styleSrc, scriptSrc string
	p.Style, styleSrc = h.assets.Inline("diner.css")
	if script != "" {
		p.Script, scriptSrc = h.assets.Inline(script)
	}
	header := c.Response().Header()
	header.Set("Content-Security-Policy", contentSecurityPolicy(styleSrc, scriptSrc))
	header.Set("Content-Language", p.Lang)
	header.Set("Cache-Control", "no-store")
	return p, views.Translator(p.Lang)
}

// languageLinks are the links of a survey's language switcher: the survey
// at path (with its check number, if any) in each language offered.
func languageLinks(path, check string, offered []string) []views.LanguageLink {
	links := make([]views.LanguageLink, 0, len(offered))
	for _, tag := range offered {
		q := url.Values{"lang": {tag}}
		if check != "" {
			q.Set("check", check)
		}
		links = append(links, views.LanguageLink{Tag: tag, Name: views.Name(tag), URL: path + "?" + q.Encode()})
	}
	return links
}
