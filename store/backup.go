package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to out while it stays in
// use: VACUUM INTO reads one snapshot (writers carry on, in WAL mode) and
// writes a compact file. The copy is made under a temporary name and renamed
// when complete and checked, so out is never half a backup. An existing out
// is refused rather than overwritten.
func (db *DB) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("store: %s exists already; choose a new name for the backup", out)
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".partial")
	os.Remove(tmp)
	defer os.Remove(tmp)
	// Its own connection: the read pool is query-only, which VACUUM INTO
	// refuses, and the one writer must stay free for diners.
	conn, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	conn.Close()
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := checkFile(ctx, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// checkFile runs SQLite's integrity check on a database file.
func checkFile(ctx context.Context, file string) error {
	copy, err := Open(ctx, file)
	if err != nil {
		return fmt.Errorf("store: the backup does not open: %w", err)
	}
	defer copy.Close()
	return copy.IntegrityCheck(ctx)
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless it
// says ok.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var result string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return dbError(err)
	}
	if result != "ok" {
		return fmt.Errorf("store: integrity check: %s", result)
	}
	return nil
}

// SetSizeLimit caps the database file at about bytes (0: no cap), so that a
// server on a shared disk stops writing before the disk is full. Beyond it,
// writes fail as on a full disk: diners are asked to send again, and nothing
// half-written is kept; raising the cap (or VACUUM) lets writing resume.
func (db *DB) SetSizeLimit(ctx context.Context, bytes int64) error {
	var pageSize int64
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return dbError(err)
	}
	pages := int64(4294967294) // SQLite's own maximum
	if bytes > 0 {
		pages = max(1, bytes/pageSize)
	}
	// The pragma belongs to the connection: the write pool holds exactly one.
	var now int64
	return dbError(db.write.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)).Scan(&now))
}
