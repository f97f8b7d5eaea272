package store

import (
	"context"
	"net/mail"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a staff member may do in one restaurant.
type Role string

// The roles. An owner can do everything a manager can, and also read summaries
// and change settings.
const (
	RoleOwner   Role = "owner"
	RoleManager Role = "manager"
)

// User is a staff account.
type User struct {
	ID    int64
	Email string
	Name  string
}

// MinPassword is the shortest password accepted, in bytes.
const MinPassword = 10

// CreateUser stores a staff account with a bcrypt hash of its password.
func (db *DB) CreateUser(ctx context.Context, email, name, password string) (User, error) {
	u := User{Email: strings.TrimSpace(email), Name: strings.TrimSpace(name)}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return u, Errorf(EInvalid, "%q is not an email address.", email)
	}
	if u.Name == "" {
		return u, Errorf(EInvalid, "A staff member needs a name.")
	}
	if len(password) < MinPassword || len(password) > 72 {
		return u, Errorf(EInvalid, "A password is %d to 72 characters.", MinPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return u, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return u, dbError(err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (email) DO NOTHING RETURNING id`, u.Email, u.Name, string(hash), db.nowMillis()).Scan(&u.ID)
	if err := dbError(err); err == ErrNotFound {
		return u, Errorf(EConflict, "There is already an account for %s.", u.Email)
	} else if err != nil {
		return u, err
	}
	return u, dbError(tx.Commit())
}

// AddMembership gives a user a role in a restaurant, replacing any role they had.
func (db *DB) AddMembership(ctx context.Context, userID, restaurantID int64, role Role) error {
	if role != RoleOwner && role != RoleManager {
		return Errorf(EInvalid, "Unknown role %q.", role)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, restaurant_id, role) VALUES (?, ?, ?)
		ON CONFLICT (user_id, restaurant_id) DO UPDATE SET role = excluded.role`, userID, restaurantID, role); err != nil {
		return dbError(err)
	}
	return dbError(tx.Commit())
}
