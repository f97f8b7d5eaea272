package store

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// ResetValid is how long a password reset link works.
const ResetValid = 30 * time.Minute

// resetEvery is how often one account may be sent a reset link: asking
// again sooner sends nothing (and says the same).
const resetEvery = 2 * time.Minute

// CreatePasswordReset makes a single-use reset token for the account with
// the email, and returns it with the user. An unknown email is ErrNotFound,
// and so is one sent a link within the last two minutes; the caller answers
// the same either way.
func (db *DB) CreatePasswordReset(ctx context.Context, email string) (string, User, error) {
	u, err := db.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return "", u, err
	}
	token := NewToken() + NewToken()
	err = db.update(ctx, func(tx *Tx) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM password_resets WHERE user_id = ? AND created_at > ?`,
			u.ID, tx.now.Add(-resetEvery).UnixMilli()).Scan(&recent); err != nil {
			return err
		}
		if recent > 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE created_at < ?`, tx.now.Add(-24*time.Hour).UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (id, user_id, created_at) VALUES (?, ?, ?)`,
			tokenHash(token), u.ID, tx.nowMillis())
		return err
	})
	return token, u, err
}

// PasswordResetUser is the user a reset token is for, if it is unused and
// in time; otherwise ErrNotFound.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (User, error) {
	var userID, created int64
	err := db.read.QueryRowContext(ctx, `SELECT user_id, created_at FROM password_resets WHERE id = ? AND used_at IS NULL`,
		tokenHash(token)).Scan(&userID, &created)
	if err != nil {
		return User{}, dbError(err)
	}
	if db.now().Sub(time.UnixMilli(created)) > ResetValid {
		return User{}, ErrNotFound
	}
	return db.UserByID(ctx, userID)
}

// ResetPassword sets the password of a reset token's user, once: the token
// is used up, and every session of theirs ends.
func (db *DB) ResetPassword(ctx context.Context, token, password string) (User, error) {
	u, err := db.PasswordResetUser(ctx, token)
	if err != nil {
		return u, err
	}
	if err := CheckNewPassword(password, u.Email, u.Name); err != nil {
		return u, err
	}
	err = db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL`,
			tx.nowMillis(), tokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound // used meanwhile
		}
		_, err = tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, tx.nowMillis(), u.ID)
		return err
	})
	if err != nil {
		return u, err
	}
	if err := db.setPassword(ctx, u.ID, password); err != nil {
		return u, err
	}
	return u, db.EndOtherSessions(ctx, u.ID, "")
}

// InvitationValid is how long an invitation link works.
const InvitationValid = 7 * 24 * time.Hour

// Invitation is an offer to work at a restaurant.
type Invitation struct {
	Restaurant Restaurant
	Email      string
	Name       string // as the owner typed it
	Role       Role
	CreatedAt  time.Time
}

// Invite makes an invitation for the email to work at a restaurant, and
// returns its token (the link's only content). Whether the email has an
// account is not looked at: the owner learns nothing about it.
func (db *DB) Invite(ctx context.Context, restaurantID, by int64, email, name string, role Role) (string, error) {
	email = strings.TrimSpace(email)
	var ps []Problem
	name, err := CheckPersonName(name)
	if err != nil {
		ps = append(ps, problem("name", err))
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		ps = append(ps, Problem{Field: "email", Message: "Enter an email address, like sam@example.com."})
	}
	if role != RoleOwner && role != RoleManager {
		ps = append(ps, Problem{Field: "role", Message: fmt.Sprintf("Unknown role %q.", role)})
	}
	if err := Invalid(ps); err != nil {
		return "", err
	}
	token := NewToken() + NewToken()
	err = db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO invitations (id, restaurant_id, email, name, role, invited_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), restaurantID, email, name, role, by, tx.nowMillis())
		return err
	})
	return token, err
}

// PendingInvitation is an invitation not yet accepted and still in time,
// as the owner's staff page lists it. Key names it for revoking (a hash of
// its token, from which the link cannot be made again).
type PendingInvitation struct {
	Key, Email, Name string
	Role             Role
	CreatedAt        time.Time
}

// PendingInvitations lists a restaurant's open invitations, newest first.
func (db *DB) PendingInvitations(ctx context.Context, restaurantID int64) ([]PendingInvitation, error) {
	var out []PendingInvitation
	err := db.each(ctx, `SELECT id, email, name, role, created_at FROM invitations
		WHERE restaurant_id = ? AND accepted_at IS NULL AND created_at > ? ORDER BY created_at DESC`,
		[]any{restaurantID, db.now().Add(-InvitationValid).UnixMilli()}, func(row rowScanner) error {
			var p PendingInvitation
			var created int64
			err := row.Scan(&p.Key, &p.Email, &p.Name, &p.Role, &created)
			p.CreatedAt = millis(created)
			out = append(out, p)
			return err
		})
	return out, err
}

// RevokeInvitation takes back an open invitation of a restaurant: its link
// no longer works. One already accepted, or another restaurant's, is not
// found.
func (db *DB) RevokeInvitation(ctx context.Context, restaurantID int64, key string) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE id = ? AND restaurant_id = ? AND accepted_at IS NULL`, key, restaurantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// InvitationByToken finds an open invitation (not accepted, in time), or
// ErrNotFound.
func (db *DB) InvitationByToken(ctx context.Context, token string) (Invitation, error) {
	var inv Invitation
	var restaurantID, created int64
	err := db.read.QueryRowContext(ctx, `SELECT restaurant_id, email, name, role, created_at FROM invitations
		WHERE id = ? AND accepted_at IS NULL`, tokenHash(token)).Scan(&restaurantID, &inv.Email, &inv.Name, &inv.Role, &created)
	if err != nil {
		return inv, dbError(err)
	}
	inv.CreatedAt = time.UnixMilli(created)
	if db.now().Sub(inv.CreatedAt) > InvitationValid {
		return inv, ErrNotFound
	}
	inv.Restaurant, err = db.RestaurantByID(ctx, restaurantID)
	return inv, err
}

// AcceptInvitation makes the user staff of the invitation's restaurant,
// under the name the owner typed, and uses the invitation up. Only the
// account with the invited email may accept it.
func (db *DB) AcceptInvitation(ctx context.Context, token string, u User) (Invitation, error) {
	inv, err := db.InvitationByToken(ctx, token)
	if err != nil {
		return inv, err
	}
	if !strings.EqualFold(inv.Email, u.Email) {
		return inv, Errorf(EConflict, "This invitation is for %s; you are signed in as %s.", inv.Email, u.Email)
	}
	err = db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL`,
			tx.nowMillis(), tokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = addMembership(ctx, tx, u.ID, inv.Restaurant.ID, inv.Role, inv.Name)
		return err
	})
	return inv, err
}
