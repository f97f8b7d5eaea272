package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tableside/tableside/store"
)

// runUser is `tableside user add`: it creates a staff account, or gives an
// existing one a role in a restaurant. The password is read from standard
// input when it is piped, or else generated and printed once.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "reset-password" {
		return userResetPassword(ctx, args[1:], stdin, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage:\n  tableside user add -db PATH -email E -restaurant SLUG -role manager|owner [-name N]\n  tableside user reset-password -db PATH -email E")
	}
	cmd := newCommand("user add", stderr)
	email := cmd.String("email", "", "the person's email, which they sign in with")
	name := cmd.String("name", "", "their name as guests and colleagues see it (default: the email's local part)")
	slug := cmd.String("restaurant", "", "the restaurant's slug")
	role := cmd.String("role", "manager", "manager or owner")
	db, err := cmd.open(ctx, args[1:], func() error {
		if *email == "" || *slug == "" {
			return errors.New("user add: -email and -restaurant are required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.RestaurantBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("restaurant %q: %w", *slug, err)
	}
	u, err := db.UserByEmail(ctx, *email)
	generated := ""
	if errors.Is(err, store.ErrNotFound) {
		password, piped, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if !piped {
			password = store.NewPassword()
			generated = password
		}
		if *name == "" {
			*name, _, _ = strings.Cut(*email, "@")
		}
		if u, err = db.CreateUser(ctx, *email, *name, password); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	now, err := db.AddMembership(ctx, u.ID, r.ID, store.Role(*role))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is now %s of %s\n", u.Email, now, r.Name)
	if generated != "" {
		fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	}
	return nil
}

// readPassword reads one line from stdin if it is a pipe or a file.
func readPassword(stdin io.Reader) (password string, piped bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice != 0 {
			return "", false, nil // a terminal, or nothing: generate one
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	line = strings.TrimRight(line, "\r\n")
	return line, line != "", nil
}

// userResetPassword is `tableside user reset-password`, for a server that
// sends no email: it sets a new password (read from standard input when
// piped, or generated and printed once) and ends every session of the
// account.
func userResetPassword(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := newCommand("user reset-password", stderr)
	email := cmd.String("email", "", "the account's email")
	db, err := cmd.open(ctx, args, func() error {
		if *email == "" {
			return errors.New("user reset-password: -email is required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account for %s", *email)
	} else if err != nil {
		return err
	}
	password, piped, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if !piped {
		password = store.NewPassword()
	}
	if err := db.SetPassword(ctx, u.ID, password); store.ErrorCode(err) == store.EInvalid {
		return errors.New(store.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s has a new password; every session of theirs has ended\n", u.Email)
	if !piped {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}
