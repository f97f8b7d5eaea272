package store

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an amount of a currency in its minor units: cents of a euro (two
// digits), yen (none: ¥1,200 is 1200), fils of a dinar (three). Amounts are
// never floats.
type Money struct {
	Minor    int64
	Currency string // ISO 4217 code
}

// MaxMajor bounds an amount given back, in major units (100,000 euros, or
// 100,000 yen): more is a typing mistake.
const MaxMajor = 100_000

// CheckCurrency refuses a code that is not an ISO 4217 currency.
func CheckCurrency(code string) error {
	if !currencyRE.MatchString(code) {
		return Errorf(EInvalid, "A currency is a three-letter code such as EUR.")
	}
	if _, err := currency.ParseISO(code); err != nil {
		return Errorf(EInvalid, "%s is not a currency code (ISO 4217), such as EUR, GBP or JPY.", code)
	}
	return nil
}

// Exponent is how many digits a currency's minor unit has, as the Unicode CLDR
// data of golang.org/x/text/currency says: JPY 0, EUR 2, KWD 3. An unknown
// code (refused where restaurants are made) counts as 2.
func Exponent(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// pow10 is 10 to the n.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Decimal writes the amount in major units with exactly the currency's digits
// and a point, for machines (a CSV): "1200" yen, "42.50" euros, "12.500" dinars.
func (m Money) Decimal() string {
	exp := Exponent(m.Currency)
	p := pow10(exp)
	whole, frac := m.Minor/p, m.Minor%p
	if exp == 0 {
		return strconv.FormatInt(whole, 10)
	}
	f := strconv.FormatInt(frac, 10)
	return strconv.FormatInt(whole, 10) + "." + strings.Repeat("0", exp-len(f)) + f
}

// Example is how an amount of the currency is typed, for messages: "1200",
// "12.50", "12.500".
func Example(code string) string {
	return Money{Minor: 12*pow10(Exponent(code)) + pow10(Exponent(code))/2, Currency: code}.Decimal()
}

// ParseMoney reads an amount typed in major units of the currency, written as
// people write it in English or in continental Europe: "12", "12.5", "12,50",
// "1,200.50", "1.200,50", "1 200,50"; for yen "1200", "1,200" or "1.200".
//
// A point or comma followed by at most the currency's digits is the decimal
// separator; otherwise separators group thousands, in threes. One separator
// followed by three digits is a thousands separator only for a currency
// without decimals: for euros "12.345" is refused rather than guessed at. An
// empty text is zero.
func ParseMoney(text, code string) (Money, error) {
	exp := Exponent(code)
	m := Money{Currency: code}
	bad := Errorf(EInvalid, "Enter the amount as a number, like %s.", Example(code))
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'', '’':
			return -1 // spaces and apostrophes group thousands
		}
		return r
	}, strings.TrimSpace(text))
	if s == "" {
		return m, nil
	}
	whole, frac := s, ""
	last := strings.LastIndexAny(s, ".,")
	if last >= 0 {
		sep, after := s[last], s[last+1:]
		others := strings.Count(s[:last], string(sep))
		mixed := strings.ContainsAny(s[:last], map[byte]string{'.': ",", ',': "."}[sep])
		switch {
		case mixed || (others == 0 && len(after) >= 1 && len(after) <= exp):
			whole, frac = s[:last], after // the last separator is the decimal one
		case others > 0 || (len(after) == 3 && exp == 0):
			// thousands only: checked below
		default:
			return m, bad
		}
	}
	groups := strings.FieldsFunc(whole, func(r rune) bool { return r == '.' || r == ',' })
	if strings.ContainsAny(whole, ".,") {
		if len(groups) < 2 || strings.Count(whole, ".")+strings.Count(whole, ",") != len(groups)-1 ||
			len(groups[0]) > 3 || (strings.Contains(whole, ".") && strings.Contains(whole, ",")) {
			return m, bad
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return m, bad
			}
		}
	}
	if len(frac) > exp || whole == "" {
		return m, bad
	}
	digits := strings.Join(groups, "") + frac + strings.Repeat("0", exp-len(frac))
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(digits) > 15 {
		return m, bad
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return m, bad
	}
	m.Minor = n
	return m, nil
}
