package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tableside/tableside/store"
)

// runTables prints one line per active table: SLUG<TAB>LABEL<TAB>SURVEY-URL.
func runTables(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tableside tables", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "tableside.db", "SQLite database file (TABLESIDE_DB)")
	baseURL := fs.String("base-url", "http://localhost:8080", "URL guests reach the server at (TABLESIDE_BASE_URL)")
	if err := envFlags(fs, "db", "base-url"); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.Restaurants(ctx)
	if err != nil {
		return err
	}
	base := strings.TrimRight(*baseURL, "/")
	for _, r := range rs {
		tables, err := db.ActiveTables(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, t := range tables {
			if _, err := fmt.Fprintf(stdout, "%s\t%s\t%s/t/%s\n", r.Slug, t.Label, base, t.Token); err != nil {
				return err
			}
		}
	}
	return nil
}

// openExisting opens the database of a command that works on a running
// restaurant's data; a wrong path is an error, not a new empty database.
func openExisting(ctx context.Context, path string) (*store.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s: %w", path, err)
	}
	return store.Open(ctx, path)
}
