package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Several instances on one PostgreSQL database: each commits its events to
// the one log and says so with NOTIFY on eventsChannel, inside the same
// transaction (PostgreSQL delivers it on commit, and only then). Each
// instance keeps one connection of its own listening, and wakes its own
// streams (the Hub) from what it hears: they read the events themselves
// from the log, by id, so a notification carries only ids. A listener that
// loses its connection reconnects and wakes every stream, which then
// catches up from the log: nothing is lost, at worst read a moment late.

// eventsChannel is the NOTIFY channel of committed events.
const eventsChannel = "tableside_events"

// noticePayload writes notices as NOTIFY's payload: "id restaurant alert"
// lines (an id of 0: someone may have lost access, AccessGeneration).
func noticePayload(notices []Notice) string {
	var b strings.Builder
	for _, n := range notices {
		fmt.Fprintf(&b, "%d %d %d\n", n.ID, n.RestaurantID, n.AlertID)
	}
	return b.String()
}

// parseNotices reads a payload of noticePayload; a line it cannot read is
// skipped (the listener then wakes everyone instead).
func parseNotices(payload string) (ns []Notice, ok bool) {
	ok = true
	for _, line := range strings.Split(strings.TrimSpace(payload), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			ok = false
			continue
		}
		var v [3]int64
		for i := range f {
			n, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				ok = false
				break
			}
			v[i] = n
		}
		ns = append(ns, Notice{ID: v[0], RestaurantID: v[1], AlertID: v[2]})
	}
	return ns, ok
}

// notifyInTx announces notices in tx: delivered to every instance when tx
// commits. Payloads stay well under NOTIFY's 8,000 bytes: a batch is sent
// in parts.
func notifyInTx(ctx context.Context, tx *Tx, notices []Notice) error {
	for len(notices) > 0 {
		part := notices[:min(len(notices), 200)]
		notices = notices[len(part):]
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, eventsChannel, noticePayload(part)); err != nil {
			return err
		}
	}
	return nil
}

// listen keeps a connection listening on eventsChannel until ctx ends,
// reconnecting after a loss (waking every stream each time it is back).
func (db *DB) listen(ctx context.Context, url string, done chan<- struct{}) {
	defer close(done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		// A lost connection is no error to report: the streams go on from
		// the log, and the next connection wakes them to catch up.
		db.listenOnce(ctx, url, func() { backoff = 100 * time.Millisecond })
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// listenOnce connects, listens, wakes every stream (it may have missed
// notices while not listening), then hands each notification to the hub.
func (db *DB) listenOnce(ctx context.Context, url string, connected func()) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+eventsChannel); err != nil {
		return err
	}
	connected()
	db.listening.Store(true)
	defer db.listening.Store(false)
	db.accessGen.Add(1)
	db.hub.WakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		notices, ok := parseNotices(n.Payload)
		for _, x := range notices {
			if x.ID == 0 {
				db.accessGen.Add(1)
			}
		}
		if !ok {
			db.hub.WakeAll()
		}
		db.hub.Publish(notices...)
	}
}

// Listening reports whether this instance is listening for other
// instances' events (always true on SQLite, which has no others).
func (db *DB) Listening() bool { return db.pg == nil || db.listening.Load() }
