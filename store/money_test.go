package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		text, code string
		minor      int64
		ok         bool
	}{
		{"12", "EUR", 1200, true},
		{"12.5", "EUR", 1250, true},
		{"12,50", "EUR", 1250, true},
		{"42,50", "GBP", 4250, true},
		{"1,200.50", "USD", 120050, true},
		{"1.200,50", "EUR", 120050, true},
		{"1 200,50", "EUR", 120050, true},
		{"1\u202f200,50", "EUR", 120050, true},
		{"1'200.50", "CHF", 120050, true},
		{"1,234,567.89", "USD", 123456789, true},
		{"", "EUR", 0, true},
		{"1200", "JPY", 1200, true},
		{"1,200", "JPY", 1200, true},
		{"1.200", "JPY", 1200, true},
		{"12.500", "KWD", 12500, true},
		{"12,5", "KWD", 12500, true},
		{"12.345", "EUR", 0, false}, // a third decimal, or a thousand? Not guessed at.
		{"1,200", "EUR", 0, false},
		{"12.50", "JPY", 0, false}, // yen have no decimals
		{"1,200.50", "JPY", 0, false},
		{"12.3456", "KWD", 0, false},
		{"1.200.50", "EUR", 0, false},
		{"1,2,3", "EUR", 0, false},
		{"12,3456", "EUR", 0, false},
		{"1.200,500", "EUR", 0, false},
		{"-5", "EUR", 0, false},
		{"5e3", "EUR", 0, false},
		{"€12", "EUR", 0, false},
		{".", "EUR", 0, false},
		{",50", "EUR", 0, false},
		{"12.", "EUR", 0, false},
		{"99999999999999999999", "EUR", 0, false},
		{"1.2345.678", "JPY", 0, false},
	}
	for _, tt := range tests {
		m, err := ParseMoney(tt.text, tt.code)
		if (err == nil) != tt.ok || (tt.ok && (m.Minor != tt.minor || m.Currency != tt.code)) {
			t.Errorf("ParseMoney(%q, %s) = %+v, %v; want %d, ok %v", tt.text, tt.code, m, err, tt.minor, tt.ok)
		}
	}
}

func TestMoneyDecimalAndExponent(t *testing.T) {
	for _, tt := range []struct {
		m    Money
		exp  int
		want string
	}{
		{Money{1200, "JPY"}, 0, "1200"},
		{Money{1250, "EUR"}, 2, "12.50"},
		{Money{5, "GBP"}, 2, "0.05"},
		{Money{12500, "KWD"}, 3, "12.500"},
		{Money{0, "USD"}, 2, "0.00"},
	} {
		if got := tt.m.Decimal(); got != tt.want || Exponent(tt.m.Currency) != tt.exp {
			t.Errorf("%+v: Decimal %q, exponent %d; want %q, %d", tt.m, got, Exponent(tt.m.Currency), tt.want, tt.exp)
		}
		if back, err := ParseMoney(tt.want, tt.m.Currency); err != nil || back != tt.m {
			t.Errorf("%q does not read back as %+v: %+v, %v", tt.want, tt.m, back, err)
		}
	}
	for _, code := range []string{"EUR", "JPY", "KWD"} {
		if err := CheckCurrency(code); err != nil {
			t.Error(err)
		}
	}
	for _, code := range []string{"ABC", "eur", "EURO", ""} {
		if CheckCurrency(code) == nil {
			t.Errorf("%q accepted as a currency", code)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12", "12,50", "1.200,50", "1,200", "1 200", "12.345", "x"} {
		f.Add(s, "EUR")
		f.Add(s, "JPY")
	}
	f.Fuzz(func(t *testing.T, text, code string) {
		m, err := ParseMoney(text, code)
		if err != nil {
			return
		}
		if m.Minor < 0 {
			t.Fatalf("%q read as %d", text, m.Minor)
		}
		// What Decimal writes reads back the same.
		if back, err := ParseMoney(m.Decimal(), code); err != nil || back != m {
			t.Fatalf("%q → %+v → %q → %+v, %v", text, m, m.Decimal(), back, err)
		}
	})
}

// TestMoneyMigration: amounts stored before money had minor units were
// hundredths whatever the currency. Migration 8 puts a yen and a dinar
// restaurant's right and leaves pounds, and a yen amount the old reading
// could not have made, as they were.
func TestMoneyMigration(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range []struct{ slug, cur string }{{"tokyo", "JPY"}, {"kuwait", "KWD"}, {"london", "GBP"}, {"osaka", "JPY"}} {
		rs, err := db.CreateRestaurant(ctx, Restaurant{Slug: r.slug, Name: r.slug, Currency: r.cur})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rs.ID)
	}
	// Back to migration 7, with amounts as the old parser stored them:
	// ¥1,200 as 120000, 12.5 dinars as 1250, £45.50 as 4550, and 1250 "yen".
	old := []int64{120000, 1250, 4550, 1250}
	if _, err := db.write.ExecContext(ctx, `ALTER TABLE alerts RENAME COLUMN amount_minor TO amount_cents;
		DELETE FROM migrations WHERE version = 8`); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO alerts (restaurant_id, reasons, state, created_at, outcome, amount_cents)
			VALUES (?, 'in-person', 'resolved', 0, 'comped-bill', ?)`, id, old[i]); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = Open(ctx, file); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := []int64{1200, 12500, 4550, 1250}
	for i, id := range ids {
		var got int64
		if err := db.read.QueryRowContext(ctx, `SELECT amount_minor FROM alerts WHERE restaurant_id = ?`, id).Scan(&got); err != nil || got != want[i] {
			t.Errorf("restaurant %d: %d (%v), want %d", id, got, err, want[i])
		}
	}
}
