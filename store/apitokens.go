package store

import (
	"context"
	"crypto/sha256"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// APITokenPrefix starts every API token, so that one pasted somewhere it
// should not be is recognised for what it is.
const APITokenPrefix = "tsk_"

// APIToken is a read-only token for one restaurant's API (the summary as
// JSON), made by an owner. Only its hash is kept; Prefix is its start, to
// tell tokens apart.
type APIToken struct {
	ID, RestaurantID int64
	Name, Prefix     string
	CreatedAt        time.Time
	LastUsedAt       time.Time // zero if never used
}

// MaxAPITokenName bounds a token's name.
const MaxAPITokenName = 60

func hashAPIToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateAPIToken makes a token for a restaurant and returns its secret,
// which is shown once and kept nowhere.
func (db *DB) CreateAPIToken(ctx context.Context, restaurantID, createdBy int64, name string) (secret string, t APIToken, err error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxAPITokenName || strings.ContainsFunc(name, unicode.IsControl) {
		return "", t, Errorf(EInvalid, "Name the token (up to %d characters) after what will use it, such as “accounts spreadsheet”.", MaxAPITokenName)
	}
	secret = APITokenPrefix + NewToken() + NewToken()
	t = APIToken{RestaurantID: restaurantID, Name: name, Prefix: secret[:len(APITokenPrefix)+6]}
	err = db.update(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (restaurant_id, name, prefix, token_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, restaurantID, name, t.Prefix, hashAPIToken(secret), createdBy, tx.nowMillis()).Scan(&t.ID)
	})
	return secret, t, err
}

// APITokens lists a restaurant's tokens, newest first.
func (db *DB) APITokens(ctx context.Context, restaurantID int64) ([]APIToken, error) {
	var ts []APIToken
	err := db.each(ctx, `SELECT id, name, prefix, created_at, coalesce(last_used_at, 0) FROM api_tokens
		WHERE restaurant_id = ? ORDER BY created_at DESC, id DESC`, []any{restaurantID}, func(row rowScanner) error {
		t := APIToken{RestaurantID: restaurantID}
		var created, used int64
		if err := row.Scan(&t.ID, &t.Name, &t.Prefix, &created, &used); err != nil {
			return err
		}
		t.CreatedAt = time.UnixMilli(created).UTC()
		if used > 0 {
			t.LastUsedAt = time.UnixMilli(used).UTC()
		}
		ts = append(ts, t)
		return nil
	})
	return ts, err
}

// RevokeAPIToken deletes a restaurant's token: it works no more.
func (db *DB) RevokeAPIToken(ctx context.Context, restaurantID, id int64) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND restaurant_id = ?`, id, restaurantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// apiTokenUseEvery is how often a token's last use is written down: at
// most once an hour, so that reading through the API is not a write.
const apiTokenUseEvery = time.Hour

// RestaurantByAPIToken is the restaurant a token was made for, or
// ErrNotFound for a token that is not (or no longer) one.
func (db *DB) RestaurantByAPIToken(ctx context.Context, secret string) (Restaurant, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 100 {
		return Restaurant{}, ErrNotFound
	}
	var id, restaurantID, used int64
	err := db.read.QueryRowContext(ctx, `SELECT id, restaurant_id, coalesce(last_used_at, 0) FROM api_tokens WHERE token_hash = ?`,
		hashAPIToken(secret)).Scan(&id, &restaurantID, &used)
	if err != nil {
		return Restaurant{}, dbError(err)
	}
	if now := db.now(); now.Sub(time.UnixMilli(used)) > apiTokenUseEvery {
		err := db.update(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, tx.nowMillis(), id)
			return err
		})
		if err != nil {
			return Restaurant{}, err
		}
	}
	return db.RestaurantByID(ctx, restaurantID)
}
