package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tableside/tableside/store"
)

// command is a subcommand that works on an existing database: its flags,
// with -db, and the flags that take TABLESIDE_ variables.
type command struct {
	*flag.FlagSet
	db  *string
	env []string
}

// newCommand starts the flags of 'tableside name'; env names the flags, other
// than -db, that fall back to their TABLESIDE_ variables.
func newCommand(name string, stderr io.Writer, env ...string) *command {
	fs := flag.NewFlagSet("tableside "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &command{FlagSet: fs, db: fs.String("db", "tableside.db", "SQLite database file, or a postgres:// URL (TABLESIDE_DB)"),
		env: append([]string{"db"}, env...)}
}

// open reads the environment and args, runs check (for flags the command
// needs), and opens the database, which must exist: a typo in -db must not
// create an empty one.
func (c *command) open(ctx context.Context, args []string, check func() error) (*store.DB, error) {
	if err := c.parse(args, check); err != nil {
		return nil, err
	}
	if _, err := os.Stat(*c.db); err != nil && !store.IsPostgres(*c.db) { // a server's database is there or not by itself
		return nil, fmt.Errorf("no database at %s: %w", *c.db, err)
	}
	return store.Open(ctx, *c.db)
}

// create is open for the command that starts a new server's database: it
// makes the file when there is none.
func (c *command) create(ctx context.Context, args []string, check func() error) (*store.DB, error) {
	if err := c.parse(args, check); err != nil {
		return nil, err
	}
	return store.Open(ctx, *c.db)
}

func (c *command) parse(args []string, check func() error) error {
	if err := envFlags(c.FlagSet, c.env...); err != nil {
		return err
	}
	if err := c.Parse(args); err != nil {
		return err
	}
	if check != nil {
		return check()
	}
	return nil
}
