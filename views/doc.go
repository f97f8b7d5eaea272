// Package views holds Tableside's templ components and every decision about
// how a page looks. Components take typed view models built by the handlers
// and never see the request. A page's models and the functions that build
// them live in PAGE_models.go beside PAGE.templ; the words that speak of
// alerts everywhere (the floor, pushes, webhooks, emails) in alert_words.go;
// every email's wording in emails.go; numbers, money, dates in format.go and
// money.go; the diners' languages in i18n.go and locales/.
package views
