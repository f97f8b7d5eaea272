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
	hash, err := bcrypt.GenerateFromPassword([]byte(password), db.passwordCost)
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

// Membership is a user's role in one restaurant.
type Membership struct {
	Restaurant Restaurant
	Role       Role
}

// CheckPassword returns the user with this email if the password is theirs, and
// ErrNotFound otherwise: the same answer, after the same work, whether or not
// the account exists.
//
// After MaxLoginFailures wrong passwords for one address within LoginWindow,
// the address is locked for LockoutFor (an ELocked error), even with the right
// password: guessing from many connections gets nowhere either.
func (db *DB) CheckPassword(ctx context.Context, email, password string) (User, error) {
	email = strings.TrimSpace(email)
	if err := db.checkLockout(ctx, email); err != nil {
		return User{}, err
	}
	var u User
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, email, name, password_hash FROM users WHERE email = ?`,
		email).Scan(&u.ID, &u.Email, &u.Name, &hash)
	if err == nil && bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil {
		return u, db.clearLoginFailures(ctx, email)
	}
	if err != nil {
		bcrypt.CompareHashAndPassword(db.dummyHash(), []byte(password))
		if err = dbError(err); err != ErrNotFound {
			return User{}, err
		}
	}
	if err := db.recordLoginFailure(ctx, email); err != nil {
		return User{}, err
	}
	return User{}, ErrNotFound
}

// dummyHash is compared against when an email is unknown, so that the answer
// takes as long as for a known one.
func (db *DB) dummyHash() []byte {
	db.dummyOnce.Do(func() {
		db.dummy, _ = bcrypt.GenerateFromPassword([]byte(NewToken()), db.passwordCost)
	})
	return db.dummy
}

// UserByID finds a user.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := db.read.QueryRowContext(ctx, `SELECT id, email, name FROM users WHERE id = ?`, id).Scan(&u.ID, &u.Email, &u.Name)
	return u, dbError(err)
}

// UserByEmail finds a user by email address.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := db.read.QueryRowContext(ctx, `SELECT id, email, name FROM users WHERE email = ?`, strings.TrimSpace(email)).
		Scan(&u.ID, &u.Email, &u.Name)
	return u, dbError(err)
}

// Memberships lists the restaurants a user works in, by name.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	var ms []Membership
	err := db.each(ctx, `SELECT m.role, `+prefixed("r.", restaurantColumns)+`
		FROM memberships m JOIN restaurants r ON r.id = m.restaurant_id
		WHERE m.user_id = ? ORDER BY r.name, r.id`, []any{userID}, func(row rowScanner) error {
		var m Membership
		err := db.scanRestaurantAfter(row, &m.Restaurant, &m.Role)
		ms = append(ms, m)
		return err
	})
	return ms, err
}

// prefixed qualifies each of a comma-separated list of columns.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// StaffMember is one person working in a restaurant.
type StaffMember struct {
	User User
	Role Role
}

// Staff lists a restaurant's staff, owners first.
func (db *DB) Staff(ctx context.Context, restaurantID int64) ([]StaffMember, error) {
	var staff []StaffMember
	err := db.each(ctx, `SELECT u.id, u.email, u.name, m.role FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.restaurant_id = ? ORDER BY m.role DESC, u.name, u.id`, []any{restaurantID},
		func(row rowScanner) error {
			var s StaffMember
			err := row.Scan(&s.User.ID, &s.User.Email, &s.User.Name, &s.Role)
			staff = append(staff, s)
			return err
		})
	return staff, err
}

// RemoveMembership takes a manager out of a restaurant. Owners are not removed
// this way, so a restaurant always keeps its owner.
func (db *DB) RemoveMembership(ctx context.Context, restaurantID, userID int64) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE restaurant_id = ? AND user_id = ? AND role = 'manager'`,
		restaurantID, userID)
	if err != nil {
		return dbError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return dbError(tx.Commit())
}
