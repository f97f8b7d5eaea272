package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestRebuildKeepsWhatReferencesIt runs migration 20, which rebuilds the
// responses table, again over a database with a response and its alert: with
// foreign keys on, dropping the old table would delete the alert with it.
// The alert survives, the foreign keys are on again afterwards, and only a
// guest at the table may leave the rating out.
func TestRebuildKeepsWhatReferencesIt(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateRestaurant(ctx, Restaurant{Slug: "r", Name: "R", Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := db.CreateTable(ctx, r.ID, "Table 1")
	if err != nil {
		t.Fatal(err)
	}
	receipt, _, err := db.CreateResponse(ctx, NewResponse{TableToken: tb.Token, IdempotencyKey: "key-0123456789abcdef", Rating: 1, AtTable: true, Comment: "cold"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM migrations WHERE version = 20`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, file); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.AlertForReceipt(ctx, receipt)
	if err != nil || a.Comment != "cold" || a.Rating != 1 {
		t.Fatalf("the alert after the rebuild: %+v (%v)", a, err)
	}
	var on int
	if err := db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign keys after the migration: %d (%v)", on, err)
	}
	if _, _, err := db.CreateResponse(ctx, NewResponse{TableToken: tb.Token, IdempotencyKey: "key-only-asked-0123", AtTable: true}); err != nil {
		t.Fatalf("a guest at the table without a rating: %v", err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO responses (public_id, restaurant_id, table_id, rating, at_table, created_at)
		VALUES ('x', ?, ?, NULL, 0, 0)`, r.ID, tb.ID); err == nil {
		t.Fatal("the table took a response with neither a rating nor the guest at the table")
	}
	if _, _, err := db.CreateResponse(ctx, NewResponse{TableToken: tb.Token, IdempotencyKey: "key-not-at-table-01"}); ErrorCode(err) != EInvalid {
		t.Fatalf("no rating, not at the table: %v", err)
	}
}
