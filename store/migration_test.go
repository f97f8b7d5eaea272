package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestRebuildKeepsWhatReferencesIt upgrades a database of the release
// before (migrations up to 19) with a response and its alert: migration 20
// rebuilds the responses table, and with foreign keys on dropping the old
// one would delete the alert with it. The alert survives, the foreign keys
// are on again afterwards, and only a guest at the table may leave the
// rating out. (Without the migration's foreign_keys=off it fails.)
func TestRebuildKeepsWhatReferencesIt(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "m.db")
	// A database as the release before left it: migrations up to 19.
	raw, err := sql.Open("sqlite", dsn(file, false))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	old := &DB{write: raw, now: time.Now}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(engineSQLite)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version <= 19 {
			if err := old.applyMigration(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO restaurants (id, slug, name, created_at) VALUES (1, 'r', 'R', 0);
		INSERT INTO tables (id, restaurant_id, label, token, created_at) VALUES (1, 1, 'Table 1', 'token-0123456789abcdef', 0);
		INSERT INTO responses (id, public_id, restaurant_id, table_id, rating, comment, at_table, created_at) VALUES (1, 'receipt-0123456789abc', 1, 1, 1, 'cold', 1, 0);
		INSERT INTO alerts (restaurant_id, response_id, table_id, reasons, created_at) VALUES (1, 1, 1, 'low-rating', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.AlertForReceipt(ctx, "receipt-0123456789abc")
	if err != nil || a.Comment != "cold" || a.Rating != 1 {
		t.Fatalf("the alert after the rebuild: %+v (%v)", a, err)
	}
	var on int
	if err := db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign keys after the migration: %d (%v)", on, err)
	}
	if _, _, err := db.CreateResponse(ctx, NewResponse{TableToken: "token-0123456789abcdef", IdempotencyKey: "key-only-asked-0123", AtTable: true}); err != nil {
		t.Fatalf("a guest at the table without a rating: %v", err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO responses (public_id, restaurant_id, table_id, rating, at_table, created_at)
		VALUES ('x', 1, 1, NULL, 0, 0)`); err == nil {
		t.Fatal("the table took a response with neither a rating nor the guest at the table")
	}
	if _, _, err := db.CreateResponse(ctx, NewResponse{TableToken: "token-0123456789abcdef", IdempotencyKey: "key-not-at-table-01"}); ErrorCode(err) != EInvalid {
		t.Fatalf("no rating, not at the table: %v", err)
	}
}
