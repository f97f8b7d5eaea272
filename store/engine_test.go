package store_test

import (
	"testing"

	"github.com/tableside/tableside/store/storetest"
)

// The store's tests run on SQLite always, and again on PostgreSQL when
// TABLESIDE_TEST_POSTGRES holds a server's URL (storetest).
var onPostgres = storetest.Postgres()

func TestMain(m *testing.M) { storetest.Main(m, "store") }

// testDSN is a new, empty database for a test (storetest.DSN).
func testDSN(t testing.TB, name string) string { return storetest.DSN(t, name) }

// sqliteOnly skips a test of something only SQLite has, saying what stands
// for it on PostgreSQL.
func sqliteOnly(t *testing.T, instead string) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only: on PostgreSQL, " + instead)
	}
}
