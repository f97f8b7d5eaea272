package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// runBackup copies the database, consistently, while the server keeps
// serving: tableside backup -db PATH -out FILE.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("backup", stderr)
	out := cmd.String("out", "", "the backup file to write (must not exist)")
	db, err := cmd.open(ctx, args, func() error {
		if *out == "" {
			return fmt.Errorf("say where the backup goes: -out FILE")
		}
		return nil
	})
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
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, integrity ok) in %s\n", *cmd.db, *out, info.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}
