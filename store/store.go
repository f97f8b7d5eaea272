// Package store holds Tableside's domain types and everything that touches
// the database: the connection pools, the numbered migrations and the SQL
// itself. The database is a SQLite file, or PostgreSQL for several
// instances (postgres.go), behind the same API and the same SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is Tableside's database: on SQLite, one connection for writes, so SQLite
// never has to arbitrate between writers, and a pool for reads, which WAL lets
// run alongside; on PostgreSQL, one pool for both.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// pg and pgRead are the PostgreSQL pools when the database is
	// PostgreSQL (postgres.go): write and read are them, through
	// database/sql, so that writers waiting for a lock never hold the
	// connections pages and streams read with.
	pg, pgRead *pgxpool.Pool
	now        func() time.Time
	stmt       statements

	// receiptKey signs receipt ids (secrets.go).
	receiptKey []byte
	// hub wakes live streams when events they follow are committed (hub.go);
	// publisher carries the notices of committed events to it.
	hub       *Hub
	publisher Publisher
	// afterCommit, when set (by tests), runs between a commit and publishing.
	afterCommit func()

	// The group commit of survey responses (commit.go).
	queue    chan *submission
	quit     chan struct{}
	loopDone chan struct{}

	closeOnce sync.Once
	closeErr  error

	// zones are the restaurants' time zones, each loaded once (zones.go).
	zones zones

	dummyOnce    sync.Once
	dummy        []byte
	passwordCost int

	// accessGen moves on whenever someone may have lost access (sessions.go).
	accessGen atomic.Int64

	// On PostgreSQL, the listener of other instances' events (listen.go).
	stopListening context.CancelFunc
	listenDone    chan struct{}
	listening     atomic.Bool
}

// statements are the queries of the survey's hot path, prepared once: SQLite's
// parser is otherwise a third of a submission's cost.
type statements struct {
	insertResponse *sql.Stmt // on the write connection
	replayed       *sql.Stmt // on the write connection
	forgetAlertDay *sql.Stmt // on the write connection
	alertRules     *sql.Stmt // on the write connection
	insertAlert    *sql.Stmt // on the write connection
	insertEvent    *sql.Stmt // on the write connection
	surveyTarget   *sql.Stmt // on the read pool
	alertByID      *sql.Stmt // on the read pool
	eventsAfter    *sql.Stmt // on the read pool: every live stream reads its events with it
}

// Option changes how Open sets up a DB.
type Option func(*DB)

// WithPasswordCost sets bcrypt's cost for new passwords; tests lower it to
// bcrypt.MinCost to stay fast.
func WithPasswordCost(cost int) Option { return func(db *DB) { db.passwordCost = cost } }

// WithClock makes the store stamp rows with now() instead of the wall clock, so
// tests and the demo seeder can place rows in time.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// dsn builds the connection string. busy_timeout comes first so that the other
// pragmas never fail with SQLITE_BUSY; synchronous=NORMAL in WAL mode survives a
// process crash without losing a committed transaction, and on power loss may
// lose only the last transactions before the cut, never corrupting the file.
func dsn(file string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + file + "?" + q.Encode()
}

// Open opens (creating if needed) the database at file, or the PostgreSQL
// database of a postgres:// URL, and brings its schema up to date. Callers
// must Close it.
func Open(ctx context.Context, file string, opts ...Option) (*DB, error) {
	db := &DB{path: file, now: time.Now, hub: NewHub(), passwordCost: bcrypt.DefaultCost}
	db.publisher = db.hub
	for _, o := range opts {
		o(db)
	}
	if IsPostgres(file) {
		return db.openPostgres(ctx, file)
	}
	if file == "" || strings.ContainsAny(file, "?#") {
		return nil, fmt.Errorf("store: invalid database path %q", file)
	}
	// A new server's folder (/var/lib/tableside) is made if it is missing,
	// or its trouble named: SQLite's own words ("unable to open database
	// file") say neither which file nor why.
	if dir := filepath.Dir(file); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: the database's folder %s cannot be made: %w", dir, err)
		}
	}
	var err error
	if db.write, err = sql.Open("sqlite", dsn(file, false)); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if err := db.migrate(ctx); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.receiptKey, err = db.Secret(ctx, "receipt", 32); err != nil {
		db.write.Close()
		return nil, err
	}
	if db.read, err = sql.Open("sqlite", dsn(file, true)); err != nil {
		db.write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU())
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	db.read.SetConnMaxIdleTime(5 * time.Minute)
	return db.start(ctx)
}

// start prepares the hot path's statements and starts the group commit.
func (db *DB) start(ctx context.Context) (*DB, error) {
	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.queue, db.quit, db.loopDone = make(chan *submission), make(chan struct{}), make(chan struct{})
	// SQLite has one writer; PostgreSQL takes several batches at once, each
	// on a connection of the writers' pool (and restaurants' events are
	// ordered by their locks, not by this loop).
	loops := 1
	if db.pg != nil {
		loops = commitLoops
	}
	var running sync.WaitGroup
	for range loops {
		running.Go(db.commitLoop)
	}
	go func() { running.Wait(); close(db.loopDone) }()
	return db, nil
}

// SetSizeLimit caps the database's files at about bytes (0: no cap), so
// that a server on a shared disk stops writing before the disk is full.
// Beyond it, writes fail as on a full disk: diners are asked to send again,
// and nothing half-written is kept; raising the cap (or VACUUM) lets
// writing resume. The cap counts the write-ahead log and its index too: a
// quarter of it (from 64 KB to 4 MB) is kept for the log, which is
// checkpointed each time half of that is written and then truncated to it
// (journal_size_limit), and the rest is the main file's.
func (db *DB) SetSizeLimit(ctx context.Context, bytes int64) error {
	if db.pg != nil {
		if bytes > 0 {
			return Errorf(EInvalid, "-max-db-mb caps a SQLite file; on PostgreSQL the server's own limits apply.")
		}
		return nil
	}
	var pageSize int64
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return dbError(err)
	}
	pages, walPages, walBytes := int64(4294967294), int64(1000), int64(-1) // SQLite's own defaults: no cap
	if bytes > 0 {
		const shm = 32 << 10 // the log's index, for a log this small
		walBytes = min(max(bytes/4, 64<<10), 4<<20)
		pages, walPages = max(1, (bytes-walBytes-shm)/pageSize), max(1, walBytes/pageSize/2)
	}
	// The pragmas belong to the connection: the write pool holds exactly
	// one, which is also the one that checkpoints after its commits.
	for _, p := range []string{fmt.Sprintf(`PRAGMA max_page_count = %d`, pages), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, walPages),
		fmt.Sprintf(`PRAGMA journal_size_limit = %d`, walBytes), `PRAGMA wal_checkpoint(TRUNCATE)`} {
		rows, err := db.write.QueryContext(ctx, p)
		if err != nil {
			return dbError(err)
		}
		rows.Close()
	}
	return nil
}

func (db *DB) prepare(ctx context.Context) error {
	for _, p := range []struct {
		pool  *sql.DB
		dst   **sql.Stmt
		query string
	}{
		{db.write, &db.stmt.insertResponse, insertResponseSQL},
		{db.write, &db.stmt.replayed, replayedSQL},
		{db.write, &db.stmt.forgetAlertDay, forgetAlertDaySQL},
		{db.write, &db.stmt.alertRules, `SELECT ` + rulesColumns + ` FROM restaurants WHERE id = ?`},
		{db.write, &db.stmt.insertAlert, `INSERT INTO alerts (restaurant_id, response_id, table_id, reasons, created_at, section_id)
			SELECT restaurant_id, id, table_id, ?, created_at, section_id FROM responses WHERE id = ? RETURNING id`},
		{db.write, &db.stmt.insertEvent, insertEventSQL},
		{db.read, &db.stmt.surveyTarget, surveyTargetSQL},
		{db.read, &db.stmt.alertByID, alertByIDSQL},
		{db.read, &db.stmt.eventsAfter, eventsAfterSQL},
	} {
		stmt, err := p.pool.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("store: prepare %q: %w", p.query, err)
		}
		*p.dst = stmt
	}
	return nil
}

// Close waits for the submissions being written, then closes both pools. It may
// be called more than once.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { db.closeErr = db.close() })
	return db.closeErr
}

func (db *DB) close() error {
	if db.quit != nil {
		close(db.quit)
		<-db.loopDone
	}
	if db.stopListening != nil {
		db.stopListening()
		<-db.listenDone
	}
	var errs []error
	for _, s := range []*sql.Stmt{db.stmt.insertResponse, db.stmt.replayed, db.stmt.forgetAlertDay,
		db.stmt.alertRules, db.stmt.insertAlert, db.stmt.insertEvent, db.stmt.surveyTarget, db.stmt.alertByID, db.stmt.eventsAfter} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	if db.pg != nil {
		errs = append(errs, db.read.Close(), db.write.Close())
		db.pgRead.Close()
		db.pg.Close()
		return errors.Join(errs...)
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	return errors.Join(append(errs, db.write.Close())...)
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// Ping reports whether the database answers a query on the read pool.
// Engine names the database the store runs on: "SQLite" or "PostgreSQL".
func (db *DB) Engine() string {
	if db.pg != nil {
		return "PostgreSQL"
	}
	return "SQLite"
}

func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return dbError(err)
	}
	return nil
}

// nowMillis is the store's clock in Unix milliseconds, the unit of every
// timestamp column (always UTC).
func (db *DB) nowMillis() int64 { return db.now().UnixMilli() }

// migration is one step of the schema, numbered once for both engines: its
// file's SQL for the engine that runs it.
type migration struct {
	version int
	name    string
	sql     string // "" where the step has nothing for this engine
}

// The engines, as migration files name them.
const (
	engineSQLite   = "sqlite"
	enginePostgres = "postgres"
)

// loadMigrations reads migrations/ for engine: one numbered sequence, where
// NNNN_name.sql is both engines' step and NNNN_name.sqlite.sql and
// NNNN_name.postgres.sql are each engine's own, where they differ. A step
// with a file for the other engine only has nothing to do on this one (but
// is recorded all the same): PostgreSQL's first file holds the schema as
// SQLite's first nineteen leave it.
func loadMigrations(engine string) ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for _, name := range names {
		base := path.Base(name)
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s must be named NNNN_name.sql", base)
		}
		stem := strings.TrimSuffix(rest, ".sql")
		fileEngine := ""
		if i := strings.LastIndexByte(stem, '.'); i >= 0 {
			fileEngine = stem[i+1:]
			if fileEngine != engineSQLite && fileEngine != enginePostgres {
				return nil, fmt.Errorf("store: migration %s: %q is not an engine (sqlite, postgres)", base, fileEngine)
			}
		}
		m := byVersion[v]
		if m == nil {
			m = &migration{version: v, name: base}
			byVersion[v] = m
		}
		if fileEngine != "" && fileEngine != engine {
			continue
		}
		if m.sql != "" {
			return nil, fmt.Errorf("store: two migrations numbered %d for %s", v, engine)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		m.name, m.sql = base, string(b)
	}
	var ms []migration
	for _, m := range byVersion {
		ms = append(ms, *m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies, in order, each migration not yet recorded, each in its own
// transaction together with the row that records it: a failed migration leaves
// no trace and is retried on the next start.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("store: create migrations table: %w", err)
	}
	ms, err := loadMigrations(engineSQLite)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// noForeignKeys marks a migration that rebuilds a table: SQLite's foreign
// keys are off while it runs (dropping the old table would otherwise delete
// the rows that reference it), and checked in full before it commits.
const noForeignKeys = "-- foreign_keys=off\n"

func (db *DB) applyMigration(ctx context.Context, m migration) error {
	rebuild := strings.HasPrefix(m.sql, noForeignKeys)
	if rebuild {
		// The pragma is the connection's, and cannot change inside a
		// transaction: the write pool holds exactly one connection.
		if _, err := db.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer db.write.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	}
	return db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE version = ?`, m.version).Scan(&n); err != nil || n > 0 {
			return err
		}
		if m.sql != "" {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
		}
		if rebuild {
			var table string
			var rowid, parent, fkid any
			switch err := tx.QueryRowContext(ctx, `PRAGMA foreign_key_check`).Scan(&table, &rowid, &parent, &fkid); {
			case err == nil:
				return fmt.Errorf("a row of %s refers to a missing row of %v", table, parent)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, tx.nowMillis())
		return err
	})
}

// Migrations lists the versions recorded as applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM migrations ORDER BY version`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// dbError turns driver errors into application errors: no rows becomes
// ErrNotFound, and a database that cannot take writes (read-only, full, locked
// for too long) becomes EUnavailable so the caller can say "try again".
func dbError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if pe := pgError(err); pe != nil {
		return pe
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// Messages for the staff who must put it right; diners get a gentler one.
		msg := ""
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			msg = "Nothing was saved: the database is full (the disk, or its size cap -max-db-mb). Free some space, then try again."
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			msg = "Nothing was saved: the database file cannot be written (check its permissions and disk). Try again once it is fixed."
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			msg = "Nothing was saved: the database was busy. Please try again in a moment."
		case sqlite3.SQLITE_IOERR:
			msg = "Nothing was saved: the disk reported an error. Try again; if it keeps happening, check the server's disk."
		}
		if msg != "" {
			return fmt.Errorf("%w: %v", &Error{Code: EUnavailable, Message: msg}, err)
		}
	}
	return err
}

// each runs a read query and calls fn for every row.
func (db *DB) each(ctx context.Context, query string, args []any, fn func(rowScanner) error) error {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return dbError(err)
		}
	}
	return dbError(rows.Err())
}
