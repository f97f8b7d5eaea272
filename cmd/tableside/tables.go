package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/tableside/tableside/store"
)

// runTables prints one line per active table: SLUG<TAB>LABEL<TAB>SURVEY-URL.
func runTables(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("tables", stderr, "base-url")
	baseURL := cmd.String("base-url", "", "URL guests reach the server at (TABLESIDE_BASE_URL; default: the one the server last started with, else http://localhost:8080)")
	db, err := cmd.open(ctx, args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.Restaurants(ctx)
	if err != nil {
		return err
	}
	if *baseURL == "" {
		if *baseURL, err = db.ServerSetting(ctx, store.SettingBaseURL); err != nil {
			return err
		}
	}
	base := strings.TrimRight(cmp.Or(*baseURL, "http://localhost:8080"), "/")
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
