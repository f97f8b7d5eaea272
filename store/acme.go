package store

import (
	"context"
	"database/sql"
	"errors"
)

// The ACME cache: what automatic HTTPS (golang.org/x/crypto/acme/autocert)
// keeps between starts, its account key and certificates, by its own keys.
// In the database, a restart reuses a certificate instead of asking the
// certificate authority again, and instances on one PostgreSQL database
// share one.

// ACMEGet is the cached data of key, or ErrNotFound.
func (db *DB) ACMEGet(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := db.read.QueryRowContext(ctx, `SELECT data FROM acme_cache WHERE key = ?`, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, dbError(err)
}

// ACMEPut keeps data under key.
func (db *DB) ACMEPut(ctx context.Context, key string, data []byte) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO acme_cache (key, data, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, key, data, tx.nowMillis())
		return err
	})
}

// ACMEDelete forgets key.
func (db *DB) ACMEDelete(ctx context.Context, key string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM acme_cache WHERE key = ?`, key)
		return err
	})
}
