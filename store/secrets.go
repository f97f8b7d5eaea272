package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
)

// Secret returns the named secret, creating it with size random bytes the first
// time it is asked for.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	rand.Read(fresh)
	var value []byte
	err := db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, name, fresh, tx.nowMillis()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
	})
	return value, err
}

// SettingBaseURL is the server setting of the base URL guests reach the
// server at, which the server keeps at each start.
const SettingBaseURL = "base_url"

// SetServerSetting keeps what the running server says of itself (name,
// such as SettingBaseURL), for the commands run beside it.
func (db *DB) SetServerSetting(ctx context.Context, name, value string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO server_settings (name, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, tx.nowMillis())
		return err
	})
}

// ServerSetting is a server setting, or "" if no server has said it.
func (db *DB) ServerSetting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM server_settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, dbError(err)
}

// receiptID derives a response's public id from its table token and the
// form's idempotency key. It is unguessable without the server's secret, and
// the same for every resend of one form. The time a form key starts with
// (NewFormKey) goes in front, so that new ids sort after older ones.
func (db *DB) receiptID(tableToken, key string) string {
	mac := hmac.New(sha256.New, db.receiptKey)
	mac.Write([]byte(tableToken))
	mac.Write([]byte{0})
	mac.Write([]byte(key))
	return formKeyPrefix(key) + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}
