package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
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

// MinPassword is the shortest password accepted, in bytes; bcrypt reads at
// most MaxPassword.
const (
	MinPassword = 10
	MaxPassword = 72
)

// CheckNewPassword refuses a new password that is too short, too long, or easy
// to guess: zxcvbn (github.com/trustelem/zxcvbn, a port of Dropbox's
// estimator) matches it against the common passwords, words, names,
// keyboard patterns and dates it knows and against inputs (the person's
// email and name, the restaurant's), and a password it reckons would fall
// in fewer than about 10^8 guesses (its score under 3) is refused.
func CheckNewPassword(password string, inputs ...string) error {
	switch {
	case len(password) < MinPassword:
		return Errorf(EInvalid, "A password is at least %d characters.", MinPassword)
	case len(password) > MaxPassword:
		return Errorf(EInvalid, "A password is at most %d bytes.", MaxPassword)
	}
	var words []string
	for _, in := range inputs {
		words = append(words, in)
		words = append(words, strings.FieldsFunc(in, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	}
	if zxcvbn.PasswordStrength(password, words).Score < 3 {
		return Errorf(EInvalid, "That password is too easy to guess: it is, or is close to, a common password, a word, a name or the email. Try three or four words that have nothing to do with each other.")
	}
	return nil
}

// NewPassword makes a password to hand to a new staff member: 20 base32
// characters (A–Z, 2–7: nothing to mistake for anything else), 100 bits.
func NewPassword() string {
	t := rand.Text()
	return t[0:5] + "-" + t[5:10] + "-" + t[10:15] + "-" + t[15:20]
}

// CheckPersonName tidies a person's name (spaces) and refuses an empty one,
// one over 80 characters, or one with control characters (a CR or LF would
// break an email's headers).
func CheckPersonName(name string) (string, error) {
	return oneLineName(name, "A name", "A staff member needs a name.")
}

// oneLineName is the rule for the names people type (a person's, a
// restaurant's): spaces tidied, on one line without control characters, not
// empty, at most 80 characters. subject starts the messages ("A name is…");
// missing is the message for an empty name.
func oneLineName(name, subject, missing string) (string, error) {
	if strings.ContainsFunc(name, unicode.IsControl) {
		return name, Errorf(EInvalid, "%s is one line, without control characters.", subject)
	}
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return name, Errorf(EInvalid, "%s", missing)
	case utf8.RuneCountInString(name) > 80:
		return name, Errorf(EInvalid, "%s is at most 80 characters.", subject)
	}
	return name, nil
}

// CreateUser stores a staff account with a bcrypt hash of its password,
// which must pass CheckNewPassword.
func (db *DB) CreateUser(ctx context.Context, email, name, password string) (u User, err error) {
	if err := CheckNewPassword(password, email, name); err != nil {
		return User{}, onField("new_password", err)
	}
	err = db.update(ctx, func(tx *Tx) error {
		u, err = db.createUser(ctx, tx, email, name, password)
		return err
	})
	return u, err
}

// createUser stores an account; the password's strength is the caller's
// to check (the demo's logins are fixed and easy on purpose).
func (db *DB) createUser(ctx context.Context, tx *Tx, email, name, password string) (User, error) {
	u := User{Email: strings.TrimSpace(email)}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return u, onField("email", Errorf(EInvalid, "%q is not an email address.", email))
	}
	var err error
	if u.Name, err = CheckPersonName(name); err != nil {
		return u, onField("name", err)
	}
	if len(password) < MinPassword || len(password) > MaxPassword {
		return u, Errorf(EInvalid, "A password is %d to %d characters.", MinPassword, MaxPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), db.passwordCost)
	if err != nil {
		return u, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (email) DO NOTHING RETURNING id`, u.Email, u.Name, string(hash), tx.nowMillis()).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, Errorf(EConflict, "There is already an account for %s.", u.Email)
	}
	return u, err
}

// SetUserName changes the name a user goes by.
func (db *DB) SetUserName(ctx context.Context, userID int64, name string) error {
	name, err := CheckPersonName(name)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET name = ? WHERE id = ?`, name, userID)
		return err
	})
}

// ChangePassword sets a user's password when current is their password now,
// and ends every other session of theirs: whoever else was signed in as
// them is signed out. keep is the session making the change.
func (db *DB) ChangePassword(ctx context.Context, userID int64, keep, current, password string) error {
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	var hash string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		return dbError(err)
	}
	keys := sessionKey(keep)
	if wait, err := db.throttled(ctx, keys); err != nil {
		return err
	} else if wait > 0 {
		return waitError(wait)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		if err := db.recordLoginFailure(ctx, keys); err != nil {
			return err
		}
		return onField("current_password", Errorf(EInvalid, "Your current password is not that."))
	}
	if err := db.clearLoginFailures(ctx, keys...); err != nil {
		return err
	}
	if err := CheckNewPassword(password, u.Email, u.Name); err != nil {
		return onField("new_password", err)
	}
	if err := db.setPassword(ctx, userID, password); err != nil {
		return err
	}
	return db.EndOtherSessions(ctx, userID, keep)
}

// SetPassword sets a user's password (a reset, or the server's command) and
// ends every session of theirs.
func (db *DB) SetPassword(ctx context.Context, userID int64, password string) error {
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := CheckNewPassword(password, u.Email, u.Name); err != nil {
		return err
	}
	if err := db.setPassword(ctx, userID, password); err != nil {
		return err
	}
	return db.EndOtherSessions(ctx, userID, "")
}

func (db *DB) setPassword(ctx context.Context, userID int64, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), db.passwordCost)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, string(hash), userID)
		return err
	})
}

// AddMembership gives a user a role in a restaurant and returns the role they
// have there now. It only ever adds or promotes: a manager made an owner
// becomes one, but an owner added as a manager stays an owner, so nothing
// that goes wrong around an invitation can demote one.
func (db *DB) AddMembership(ctx context.Context, userID, restaurantID int64, role Role) (now Role, err error) {
	return db.AddStaff(ctx, userID, restaurantID, role, "")
}

// AddStaff is AddMembership with the name the restaurant knows them by (""
// for their account's name); a name given before is kept.
func (db *DB) AddStaff(ctx context.Context, userID, restaurantID int64, role Role, name string) (now Role, err error) {
	err = db.update(ctx, func(tx *Tx) error {
		now, err = addMembership(ctx, tx, userID, restaurantID, role, name)
		return err
	})
	return now, err
}

func addMembership(ctx context.Context, tx *Tx, userID, restaurantID int64, role Role, name string) (Role, error) {
	if role != RoleOwner && role != RoleManager {
		return "", Errorf(EInvalid, "Unknown role %q.", role)
	}
	if name != "" {
		var err error
		if name, err = CheckPersonName(name); err != nil {
			return "", err
		}
	}
	var now Role
	err := tx.QueryRowContext(ctx, `INSERT INTO memberships (user_id, restaurant_id, role, name) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, restaurant_id) DO UPDATE SET role = CASE WHEN excluded.role = 'owner' THEN 'owner' ELSE memberships.role END
		RETURNING role`, userID, restaurantID, role, strings.TrimSpace(name)).Scan(&now)
	return now, err
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
// Attempts are throttled (lockout.go): in a browser that carries one of
// devices, a device token of this account's, past a few wrong passwords in
// that browser; in any other, past a few for the account at address, or
// very many from unknown browsers anywhere. An attempt made before its wait
// is over is an ELocked error with RetryAfter, even with the right password,
// and the password is not even tried.
func (db *DB) CheckPassword(ctx context.Context, email, password, address string, devices ...string) (User, error) {
	email = strings.TrimSpace(email)
	device := db.KnownDevice(email, devices)
	keys := throttleKeys(email, address, device)
	if wait, err := db.throttled(ctx, keys); err != nil {
		return User{}, err
	} else if wait > 0 {
		return User{}, waitError(wait)
	}
	var u User
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT id, email, name, password_hash FROM users WHERE email = ?`,
		email).Scan(&u.ID, &u.Email, &u.Name, &hash)
	if err == nil && bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil {
		return u, db.clearLoginFailures(ctx, append(throttleKeys(email, address, ""), keys...)...)
	}
	if err != nil {
		bcrypt.CompareHashAndPassword(db.dummyHash(), []byte(password))
		if err = dbError(err); !errors.Is(err, ErrNotFound) {
			return User{}, err
		}
	}
	if err := db.recordLoginFailure(ctx, keys); err != nil {
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

// Memberships lists the restaurants a user works in, in the order they joined
// them: the first is where their floor opens, and being added to another
// restaurant later does not change it.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	var ms []Membership
	err := db.each(ctx, `SELECT m.role, `+prefixed("r.", restaurantColumns)+`
		FROM memberships m JOIN restaurants r ON r.id = m.restaurant_id
		WHERE m.user_id = ? ORDER BY m.rowid`, []any{userID}, func(row rowScanner) error {
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
	err := db.each(ctx, `SELECT u.id, u.email, coalesce(nullif(m.name, ''), u.name), m.role FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.restaurant_id = ? ORDER BY m.role DESC, coalesce(nullif(m.name, ''), u.name), u.id`, []any{restaurantID},
		func(row rowScanner) error {
			var s StaffMember
			err := row.Scan(&s.User.ID, &s.User.Email, &s.User.Name, &s.Role)
			staff = append(staff, s)
			return err
		})
	return staff, err
}

// IsStaff reports whether a user still works at a restaurant.
func (db *DB) IsStaff(ctx context.Context, userID, restaurantID int64) (bool, error) {
	ok, err := isStaff(ctx, db.read, userID, restaurantID)
	return ok, dbError(err)
}

// rowQuerier reads one row: the read pool, or a write transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// isStaff reports whether a user works at a restaurant, read through q (a
// transaction, to check before writing in it).
func isStaff(ctx context.Context, q rowQuerier, userID, restaurantID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE user_id = ? AND restaurant_id = ?`,
		userID, restaurantID).Scan(&n)
	return n > 0, err
}

// RemoveMembership takes a manager out of a restaurant. Owners are not removed
// this way, so a restaurant always keeps its owner.
// They lose access at once: their open floor streams are told to check.
func (db *DB) RemoveMembership(ctx context.Context, restaurantID, userID int64) error {
	err := db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE restaurant_id = ? AND user_id = ? AND role = 'manager'`,
			restaurantID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE restaurant_id = ? AND user_id = ?`, restaurantID, userID)
		return err
	})
	if err == nil {
		db.accessChanged(restaurantID)
	}
	return err
}
