package store_test

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

// The store's tests run on SQLite always, and again on PostgreSQL when
// TABLESIDE_TEST_POSTGRES holds a server's URL (the test binary runs itself
// once more with TABLESIDE_TEST_ENGINE=postgres); each test then gets a
// database of its own on that server.
var (
	postgresURL = os.Getenv("TABLESIDE_TEST_POSTGRES")
	onPostgres  = os.Getenv("TABLESIDE_TEST_ENGINE") == "postgres"
)

func TestMain(m *testing.M) {
	code := m.Run()
	switch {
	case onPostgres:
	case postgresURL == "":
		fmt.Println("store: PostgreSQL skipped: set TABLESIDE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run these tests on it too")
	case flag.Lookup("test.fuzz").Value.String() != "":
		// Fuzzing a parser: the engine makes no difference.
	case code == 0:
		fmt.Println("store: the same tests on PostgreSQL")
		cmd := exec.Command(os.Args[0], os.Args[1:]...)
		cmd.Env = append(os.Environ(), "TABLESIDE_TEST_ENGINE=postgres")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			code = 1
		}
	}
	os.Exit(code)
}

// testDSN is a new, empty database for a test: a file (named name) in its
// temporary directory, or a database of its own on the PostgreSQL server,
// dropped when the test ends.
func testDSN(t testing.TB, name string) string {
	t.Helper()
	if !onPostgres {
		return filepath.Join(t.TempDir(), name)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, postgresURL)
	if err != nil {
		t.Fatalf("PostgreSQL at TABLESIDE_TEST_POSTGRES: %v", err)
	}
	defer admin.Close(ctx)
	db := "t_" + strings.ToLower(strings.NewReplacer("-", "_").Replace(store.NewToken()))
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(ctx, postgresURL)
		if err != nil {
			return
		}
		defer admin.Close(ctx)
		admin.Exec(ctx, `DROP DATABASE IF EXISTS `+db+` WITH (FORCE)`)
	})
	u, err := url.Parse(postgresURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

// sqliteOnly skips a test of something only SQLite has, saying what stands
// for it on PostgreSQL.
func sqliteOnly(t *testing.T, instead string) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only: on PostgreSQL, " + instead)
	}
}
