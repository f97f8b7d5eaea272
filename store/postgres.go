package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL, for several instances on one database: the store's SQL is
// written once, in the part of SQL both engines share (TRUE and FALSE for
// booleans, ON CONFLICT, RETURNING, count(*) FILTER), with SQLite's ?
// placeholders; the connections below rewrite them to PostgreSQL's $n.
// The pool is pgxpool's, seen through database/sql (stdlib), so the store's
// code does not know which engine runs.

// IsPostgres reports whether a -db value names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// rebind rewrites a query's placeholders for PostgreSQL: ? in order
// becomes $1, $2…, and ?N becomes $N; quoted text and identifiers are left
// alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for j < len(query) {
				if query[j] == c {
					if j+1 < len(query) && query[j+1] == c { // '' inside a string
						j += 2
						continue
					}
					break
				}
				j++
			}
			b.WriteString(query[i:min(j+1, len(query))])
			i = j
		case '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			if j > i+1 {
				b.WriteString("$" + query[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pgConnector hands out pgx's connections, rebinding every query.
type pgConnector struct{ inner driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is one of pgx's connections (stdlib.Conn), which implements every
// optional interface that matters; each is passed on, queries rebound.
type pgConn struct{ driver.Conn }

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, rebind(query))
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) { return c.Conn.Prepare(rebind(query)) }

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, rebind(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, rebind(query), args)
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *pgConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *pgConn) CheckNamedValue(v *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(v)
}

func (c *pgConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// postgresPool opens a pool of a postgres:// URL, as database/sql, of at
// most size connections (0: pgxpool's default, or the URL's
// pool_max_conns).
func postgresPool(ctx context.Context, url string, size int32) (*pgxpool.Pool, *sql.DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, nil, fmt.Errorf("store: %w", err)
	}
	if size > 0 && !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = size
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("store: %w", err)
	}
	sqlDB := sql.OpenDB(pgConnector{stdlib.GetPoolConnector(pool)})
	// GetPoolConnector's connections go back to the pool when released;
	// database/sql must not keep its own idle ones besides.
	sqlDB.SetMaxIdleConns(0)
	return pool, sqlDB, nil
}

// migrationLock is the advisory lock under which an instance migrates a
// PostgreSQL database: several starting together migrate it once.
const migrationLock = 7_301_116_905 // "tableside"

// globalLock is the advisory lock of writes that are truly global (the
// demo seed, made once across instances); restaurantLockClass, with a
// restaurant's id, orders that restaurant's events (tx.go). Other writes
// take no lock of the store's: restaurants, and instances, write side by
// side.
const (
	globalLock          = 7_301_116_906
	restaurantLockClass = 7301
)

// pgError maps PostgreSQL's errors like dbError maps SQLite's.
func pgError(err error) error {
	if lostConnection(err) {
		return fmt.Errorf("%w: %v", &Error{Code: EUnavailable,
			Message: "Nothing was saved: the database server cannot be reached. Try again in a moment."}, err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	if pe.Code == "22021" || pe.Code == "22P05" { // a NUL or a byte that is not UTF-8, which text cannot hold
		return fmt.Errorf("%w: %v", &Error{Code: EInvalid, Message: "That text has a character that cannot be stored (such as a NUL). Remove it and try again."}, err)
	}
	msg := ""
	switch {
	case pe.Code == "53100" || pe.Code == "53200": // disk_full, out_of_memory
		msg = "Nothing was saved: the database server is out of space. Free some, then try again."
	case pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03" || pe.Code == "57014": // serialization, deadlock, lock, cancelled by the server
		msg = "Nothing was saved: the database was busy. Please try again in a moment."
	case strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P03" || pe.Code == "25006": // connection, shutdown, read only
		msg = "Nothing was saved: the database server cannot be reached or written. Try again in a moment."
	}
	if msg == "" {
		return nil
	}
	return fmt.Errorf("%w: %v", &Error{Code: EUnavailable, Message: msg}, err)
}

// lostConnection reports whether err is the database server out of reach:
// a connection refused or cut, a dial that timed out, a pool closed.
func lostConnection(err error) bool {
	if errors.Is(err, context.Canceled) { // the caller went away, not the server
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// openPostgres opens db on PostgreSQL: the pool, the schema brought up to
// date under the migration lock, the receipt key, the hot path.
func (db *DB) openPostgres(ctx context.Context, url string) (*DB, error) {
	// Two pools: writers waiting for a restaurant's lock never hold the
	// connections that pages and live streams read with.
	pool, sqlDB, err := postgresPool(ctx, url, int32(max(4, runtime.NumCPU())))
	if err != nil {
		return nil, err
	}
	readPool, readDB, err := postgresPool(ctx, url, int32(max(8, 2*runtime.NumCPU())))
	if err != nil {
		sqlDB.Close()
		pool.Close()
		return nil, err
	}
	db.pg, db.pgRead, db.write, db.read = pool, readPool, sqlDB, readDB
	db.path = redactURL(url)
	closeAll := func() { db.read.Close(); readPool.Close(); db.write.Close(); pool.Close() }
	if err := db.migratePostgres(ctx); err != nil {
		closeAll()
		return nil, err
	}
	if db.receiptKey, err = db.Secret(ctx, "receipt", 32); err != nil {
		closeAll()
		return nil, err
	}
	lctx, stop := context.WithCancel(context.Background())
	db.stopListening, db.listenDone = stop, make(chan struct{})
	go db.listen(lctx, url, db.listenDone)
	return db.start(ctx)
}

// redactURL is a database URL without its password, fit for a log.
func redactURL(raw string) string {
	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return "postgres://"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// migratePostgres applies the migrations (PostgreSQL's files and the
// shared ones) in order, each with its record in one transaction, holding
// the migration lock on one connection meanwhile, so that instances
// starting together migrate once.
func (db *DB) migratePostgres(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, migrationLock); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(?)`, migrationLock)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`); err != nil {
		return fmt.Errorf("store: create migrations table: %w", err)
	}
	ms, err := loadMigrations(enginePostgres)
	if err != nil {
		return err
	}
	for _, m := range ms {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE version = ?`, m.version).Scan(&n); err != nil || n > 0 {
			tx.Rollback()
			if err != nil {
				return err
			}
			continue
		}
		if m.sql != "" {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, db.nowMillis()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
