// Package storetest gives tests a database of their own on either engine:
// a SQLite file always, and a PostgreSQL database when TABLESIDE_TEST_POSTGRES
// holds a server's URL, for the test binaries that run their suite a second
// time on it (Main).
package storetest

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tableside/tableside/store"
)

// ServerEnv names the variable holding the PostgreSQL server's URL.
const ServerEnv = "TABLESIDE_TEST_POSTGRES"

// engineEnv is set on the second run of a suite, on PostgreSQL.
const engineEnv = "TABLESIDE_TEST_ENGINE"

// Postgres reports whether this run of the suite is on PostgreSQL.
func Postgres() bool { return os.Getenv(engineEnv) == "postgres" }

// Server is the PostgreSQL server's URL, or "".
func Server() string { return os.Getenv(ServerEnv) }

// Main runs a package's tests on SQLite and, when a server is given and
// they passed, once more on PostgreSQL (the test binary runs itself again);
// fuzzing runs once. what names the package in what it prints.
func Main(m *testing.M, what string) {
	code := m.Run()
	switch {
	case Postgres():
	case Server() == "":
		fmt.Printf("%s: PostgreSQL skipped: set %s=postgres://USER@HOST:PORT/DB to run these tests on it too\n", what, ServerEnv)
	case flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != "":
	case code == 0:
		fmt.Printf("%s: the same tests on PostgreSQL\n", what)
		cmd := exec.Command(os.Args[0], os.Args[1:]...)
		cmd.Env = append(os.Environ(), engineEnv+"=postgres")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			code = 1
		}
	}
	os.Exit(code)
}

// DSN is a new, empty database for a test: a file (named name) in its
// temporary directory on SQLite, or a database of its own on the
// PostgreSQL server, dropped when the test ends.
func DSN(t testing.TB, name string) string {
	t.Helper()
	if !Postgres() {
		return filepath.Join(t.TempDir(), name)
	}
	return NewPostgres(t)
}

// NewPostgres is a new database on the PostgreSQL server, dropped when the
// test ends; without a server the test is skipped, saying how to run it.
func NewPostgres(t testing.TB) string {
	t.Helper()
	server := Server()
	if server == "" {
		t.Skipf("PostgreSQL skipped: set %s=postgres://USER@HOST:PORT/DB to run it", ServerEnv)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", ServerEnv, err)
	}
	defer admin.Close(ctx)
	name := "t_" + strings.ToLower(strings.ReplaceAll(store.NewToken(), "-", "_"))
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if admin, err := pgx.Connect(ctx, server); err == nil {
			admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			admin.Close(ctx)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
