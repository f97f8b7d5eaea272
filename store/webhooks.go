package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"time"
)

// Webhook formats: Tableside's own JSON, signed after the Standard Webhooks
// specification, or a Slack (or Mattermost) incoming webhook's {"text": …}.
const (
	FormatJSON  = "json"
	FormatSlack = "slack"
)

// Webhook is another tool that hears of a restaurant's alerts.
type Webhook struct {
	ID           int64
	RestaurantID int64
	URL          string
	Format       string
	// Secret signs every delivery: "whsec_" and base64 of 24 random bytes.
	// It is shown to the owner once, when the webhook is added.
	Secret    string
	CreatedAt time.Time
}

// CheckWebhookURL refuses what is not an absolute http(s) URL. Where it may
// point (not a private address) is checked by the caller, which knows the
// server's setting.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return Errorf(EInvalid, "A webhook URL is an http or https address, like https://hooks.example.com/tableside.")
	}
	return nil
}

// AddWebhook adds a webhook to a restaurant with a new secret, and returns it
// with the secret.
func (db *DB) AddWebhook(ctx context.Context, restaurantID int64, rawURL, format string) (Webhook, error) {
	if format == "" {
		format = FormatJSON
	}
	if format != FormatJSON && format != FormatSlack {
		return Webhook{}, Errorf(EInvalid, "A webhook's format is json or slack.")
	}
	if err := CheckWebhookURL(rawURL); err != nil {
		return Webhook{}, err
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	w := Webhook{RestaurantID: restaurantID, URL: rawURL, Format: format,
		Secret: "whsec_" + base64.StdEncoding.EncodeToString(secret)}
	err := db.update(ctx, func(tx *Tx) error {
		w.CreatedAt = tx.now
		return tx.QueryRowContext(ctx, `INSERT INTO webhooks (restaurant_id, url, format, secret, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, restaurantID, w.URL, w.Format, w.Secret, tx.nowMillis()).Scan(&w.ID)
	})
	return w, err
}

// Webhooks lists a restaurant's webhooks (all restaurants' with 0), oldest
// first.
func (db *DB) Webhooks(ctx context.Context, restaurantID int64) ([]Webhook, error) {
	var ws []Webhook
	err := db.each(ctx, `SELECT id, restaurant_id, url, format, secret, created_at FROM webhooks
		WHERE ? = 0 OR restaurant_id = ? ORDER BY id`, []any{restaurantID, restaurantID}, func(row rowScanner) error {
		var w Webhook
		var created int64
		err := row.Scan(&w.ID, &w.RestaurantID, &w.URL, &w.Format, &w.Secret, &created)
		w.CreatedAt = millis(created)
		ws = append(ws, w)
		return err
	})
	return ws, err
}

// WebhookByID finds a webhook (of a restaurant, unless restaurantID is 0).
func (db *DB) WebhookByID(ctx context.Context, restaurantID, id int64) (Webhook, error) {
	var w Webhook
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, restaurant_id, url, format, secret, created_at FROM webhooks
		WHERE id = ? AND (? = 0 OR restaurant_id = ?)`, id, restaurantID, restaurantID).
		Scan(&w.ID, &w.RestaurantID, &w.URL, &w.Format, &w.Secret, &created)
	w.CreatedAt = millis(created)
	return w, dbError(err)
}

// RemoveWebhook removes a webhook of a restaurant (any, with restaurantID 0)
// and gives up what it still had to send.
func (db *DB) RemoveWebhook(ctx context.Context, restaurantID, id int64) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ? AND (? = 0 OR restaurant_id = ?)`, id, restaurantID, restaurantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'gone', done_at = ?
			WHERE channel = 'webhook' AND target_id = ? AND status = 'pending'`, tx.nowMillis(), id)
		return err
	})
}
