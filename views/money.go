package views

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/tableside/tableside/store"
)

// staffLocale is the language of staff pages, the digest and their numbers.
var staffLocale = language.English

// CurrencySymbol is how a currency is marked next to an amount: "€", "¥",
// "£", or its code where the symbol would be ambiguous or there is none
// ("CHF", "CA$").
func CurrencySymbol(code string) string {
	u, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	return message.NewPrinter(staffLocale).Sprint(currency.Symbol(u))
}

// FormatMoney writes an amount for people, with the currency's symbol, its
// digits and thousands grouped: "¥1,200", "€12.50", "CHF 12.50". It is the
// one formatter of money on pages and in the digest; a CSV writes
// store.Money.Decimal instead.
func FormatMoney(m store.Money) string {
	// The whole units grouped by the locale's rules, then the minor digits as
	// the exact decimal has them: nothing passes through a float.
	whole, frac, _ := strings.Cut(m.Decimal(), ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	n := message.NewPrinter(staffLocale).Sprint(number.Decimal(w))
	if frac != "" {
		n += "." + frac
	}
	sym := CurrencySymbol(m.Currency)
	if len(sym) >= 2 && sym[len(sym)-1] >= 'A' && sym[len(sym)-1] <= 'Z' { // a code, or ends in one: "CHF 12.50"
		return sym + "\u00a0" + n
	}
	return sym + n
}
