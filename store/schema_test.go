package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// schema is what two engines must agree on: each table's columns (name,
// type as SQLite's affinity, NOT NULL), primary key, foreign keys and
// indexes (columns, unique or not, partial or not).
type schema map[string]*tableSchema

type tableSchema struct {
	Columns     []string // "name type [not null]", in name order
	PrimaryKey  string
	ForeignKeys []string // "column -> table(column) on delete ACTION"
	Indexes     []string // "[unique ]col,col[ where]"
}

// affinity maps PostgreSQL's types onto SQLite's storage classes, as the
// two schemas use them (booleans are 0/1 integers on SQLite).
var affinity = map[string]string{
	"bigint": "INTEGER", "integer": "INTEGER", "smallint": "INTEGER", "boolean": "INTEGER",
	"text": "TEXT", "citext": "TEXT", "character varying": "TEXT", "bytea": "BLOB",
	"double precision": "REAL", "real": "REAL",
}

func (s schema) sorted() schema {
	for _, t := range s {
		slices.Sort(t.Columns)
		slices.Sort(t.ForeignKeys)
		slices.Sort(t.Indexes)
	}
	return s
}

func sqliteSchema(t *testing.T, db *DB) schema {
	ctx := context.Background()
	s := schema{}
	var tables []string
	err := db.each(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`, nil, func(r rowScanner) error {
		var n string
		tables = append(tables, n)
		return r.Scan(&tables[len(tables)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range tables {
		ts := &tableSchema{}
		s[name] = ts
		var pk []string
		pks := map[int]string{}
		err := db.each(ctx, `SELECT name, upper(type), "notnull", pk FROM pragma_table_info(?)`, []any{name}, func(r rowScanner) error {
			var col, typ string
			var notNull bool
			var pkPos int
			if err := r.Scan(&col, &typ, &notNull, &pkPos); err != nil {
				return err
			}
			if pkPos > 0 {
				pks[pkPos] = col
				notNull = true // a primary key is never null, said or not
			}
			ts.Columns = append(ts.Columns, columnLine(col, typ, notNull))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= len(pks); i++ {
			pk = append(pk, pks[i])
		}
		ts.PrimaryKey = strings.Join(pk, ",")
		err = db.each(ctx, `SELECT "from", "table", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?)`, []any{name}, func(r rowScanner) error {
			var from, table, to, onDelete string
			if err := r.Scan(&from, &table, &to, &onDelete); err != nil {
				return err
			}
			if to == "" {
				to = "id"
			}
			ts.ForeignKeys = append(ts.ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", from, table, to, onDelete))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		type index struct {
			name    string
			unique  bool
			partial bool
		}
		var idx []index
		err = db.each(ctx, `SELECT name, "unique", partial FROM pragma_index_list(?) WHERE origin != 'pk'`, []any{name}, func(r rowScanner) error {
			var i index
			if err := r.Scan(&i.name, &i.unique, &i.partial); err != nil {
				return err
			}
			idx = append(idx, i)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range idx {
			var cols []string
			err := db.each(ctx, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name}, func(r rowScanner) error {
				var c string
				if err := r.Scan(&c); err != nil {
					return err
				}
				cols = append(cols, c)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ts.Indexes = append(ts.Indexes, indexLine(cols, i.unique, i.partial))
		}
	}
	return s.sorted()
}

func postgresSchema(t *testing.T, db *DB) schema {
	ctx := context.Background()
	s := schema{}
	err := db.each(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable = 'NO'
		FROM information_schema.columns c JOIN information_schema.tables tb ON tb.table_name = c.table_name AND tb.table_schema = c.table_schema
		WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'`, nil, func(r rowScanner) error {
		var table, col, typ, udt string
		var notNull bool
		if err := r.Scan(&table, &col, &typ, &udt, &notNull); err != nil {
			return err
		}
		if typ == "USER-DEFINED" {
			typ = udt
		}
		if col == "rowid" {
			return nil // SQLite's implicit rowid, which PostgreSQL spells out where the code orders by it
		}
		if s[table] == nil {
			s[table] = &tableSchema{}
		}
		a, ok := affinity[typ]
		if !ok {
			a = "?" + typ
		}
		s[table].Columns = append(s[table].Columns, columnLine(col, a, notNull))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys and indexes, from the catalogue: every column of an index,
	// included ones too, as SQLite's covering indexes list them.
	err = db.each(ctx, `SELECT t.relname, i.indisprimary, i.indisunique, i.indpred IS NOT NULL,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
				JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',')
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE ns.nspname = 'public'`, nil, func(r rowScanner) error {
		var table, cols string
		var primary, unique, partial bool
		if err := r.Scan(&table, &primary, &unique, &partial, &cols); err != nil {
			return err
		}
		if s[table] == nil {
			return nil
		}
		if primary {
			s[table].PrimaryKey = cols
		} else {
			s[table].Indexes = append(s[table].Indexes, indexLine(strings.Split(cols, ","), unique, partial))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	err = db.each(ctx, `SELECT t.relname, a.attname, rt.relname, ra.attname, c.confdeltype::text
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE c.contype = 'f' AND ns.nspname = 'public'`, nil, func(r rowScanner) error {
		var table, col, ref, refCol, del string
		if err := r.Scan(&table, &col, &ref, &refCol, &del); err != nil {
			return err
		}
		s[table].ForeignKeys = append(s[table].ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", col, ref, refCol, actions[del]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.sorted()
}

func columnLine(name, typ string, notNull bool) string {
	if notNull {
		return name + " " + typ + " not null"
	}
	return name + " " + typ
}

func indexLine(cols []string, unique, partial bool) string {
	s := strings.Join(cols, ",")
	if unique {
		s = "unique " + s
	}
	if partial {
		s += " where"
	}
	return s
}

// compareSchemas lists where two schemas differ, table by table.
func compareSchemas(a, b schema) []string {
	var diffs []string
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if a[n] == nil {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		x, y := a[n], b[n]
		switch {
		case x == nil:
			diffs = append(diffs, "table "+n+": PostgreSQL only")
			continue
		case y == nil:
			diffs = append(diffs, "table "+n+": SQLite only")
			continue
		}
		for _, d := range []struct {
			what string
			x, y []string
		}{{"columns", x.Columns, y.Columns}, {"primary key", []string{x.PrimaryKey}, []string{y.PrimaryKey}},
			{"foreign keys", x.ForeignKeys, y.ForeignKeys}, {"indexes", x.Indexes, y.Indexes}} {
			for _, v := range d.x {
				if !slices.Contains(d.y, v) {
					diffs = append(diffs, fmt.Sprintf("%s %s: SQLite only %q", n, d.what, v))
				}
			}
			for _, v := range d.y {
				if !slices.Contains(d.x, v) {
					diffs = append(diffs, fmt.Sprintf("%s %s: PostgreSQL only %q", n, d.what, v))
				}
			}
		}
	}
	return diffs
}

// SchemaDiffs lists where the schemas of two databases, one on each
// engine, differ (for TestSchemasAreTheSame, in package store_test).
func SchemaDiffs(t *testing.T, lite, pg *DB) []string {
	a, b := sqliteSchema(t, lite), postgresSchema(t, pg)
	if len(a) < 20 {
		t.Fatalf("SQLite has %d tables", len(a))
	}
	return compareSchemas(a, b)
}

// TestSchemaComparisonSeesAColumn: the comparison is not blind: a column
// added to one engine only is reported.
func TestSchemaComparisonSeesAColumn(t *testing.T) {
	a := schema{"tables": {Columns: []string{"id INTEGER not null", "label TEXT not null"}, PrimaryKey: "id"}}
	b := schema{"tables": {Columns: []string{"id INTEGER not null", "label TEXT not null", "seats INTEGER"}, PrimaryKey: "id"}}
	if d := compareSchemas(a, b); len(d) != 1 || !strings.Contains(d[0], "seats") {
		t.Fatalf("a column on one engine only: %v", d)
	}
}
