package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// runBackup copies the database, consistently, while the server keeps
// serving: tableside backup -db PATH -out FILE.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tableside backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "tableside.db", "SQLite database file (TABLESIDE_DB)")
	out := fs.String("out", "", "the backup file to write (must not exist)")
	if err := envFlags(fs, "db"); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("say where the backup goes: -out FILE")
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, integrity ok) in %s\n", *dbPath, *out, info.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}
