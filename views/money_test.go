package views

import (
	"testing"

	"github.com/tableside/tableside/store"
)

func TestFormatMoney(t *testing.T) {
	for _, tt := range []struct {
		m    store.Money
		want string
	}{
		{store.Money{Minor: 1200, Currency: "JPY"}, "¥1,200"},
		{store.Money{Minor: 1250, Currency: "EUR"}, "€12.50"},
		{store.Money{Minor: 123456789, Currency: "USD"}, "$1,234,567.89"},
		{store.Money{Minor: 4550, Currency: "GBP"}, "£45.50"},
		{store.Money{Minor: 1250, Currency: "CHF"}, "CHF\u00a012.50"},
		{store.Money{Minor: 12500, Currency: "KWD"}, "KWD\u00a012.500"},
		{store.Money{Minor: 5, Currency: "EUR"}, "€0.05"},
	} {
		if got := FormatMoney(tt.m); got != tt.want {
			t.Errorf("FormatMoney(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}
