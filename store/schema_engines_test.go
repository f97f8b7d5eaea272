package store_test

import (
	"context"
	"testing"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/store/storetest"
)

// TestSchemasAreTheSame migrates an empty database on each engine and
// finds the same tables, columns (types mapped to SQLite's), primary keys,
// foreign keys and indexes. It needs a PostgreSQL server
// (TABLESIDE_TEST_POSTGRES) and skips, saying so, without one.
func TestSchemasAreTheSame(t *testing.T) {
	if onPostgres {
		t.Skip("compared once, from the SQLite run")
	}
	ctx := context.Background()
	pgURL := storetest.NewPostgres(t)
	lite, err := store.Open(ctx, testDSN(t, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := store.Open(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for _, d := range store.SchemaDiffs(t, lite, pg) {
		t.Error(d)
	}
}
