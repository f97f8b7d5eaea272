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
	if db.pg != nil {
		return Errorf(EInvalid, "A PostgreSQL database is backed up with pg_dump (see the README), not tableside backup.")
	}
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
	if db.pg != nil {
		return db.Ping(ctx) // PostgreSQL checks its own pages
	}
	var result string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return dbError(err)
	}
	if result != "ok" {
		return fmt.Errorf("store: integrity check: %s", result)
	}
	return nil
}
