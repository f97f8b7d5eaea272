// Package digest sends each owner the weekly summary by email, on Monday
// morning in their restaurants' time zones, once per owner and week. It is
// not an HTTP handler: the server's main runs it on a timer, and the
// 'tableside digest' command runs it once.
package digest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/tableside/tableside/cmd/tableside/internal/mailer"
	"github.com/tableside/tableside/static"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// Config says how and when weekly digests are mailed.
type Config struct {
	// SMTP is the mail server as a URL: smtp://user:pass@host:587 (STARTTLS
	// required), smtps://user:pass@host:465 (TLS), or smtp+insecure://host:25
	// (no encryption: a relay on the same machine). Empty, nothing is sent.
	SMTP string
	// From is the sender address; empty, tableside@ the base URL's host.
	From string
	// At is when on Monday, in each restaurant's time zone, the digest of the
	// week just ended is due (default 8 h: 08:00).
	At time.Duration
	// BaseURL makes the email's links absolute.
	BaseURL string
}

// Email is one owner's weekly digest.
type Email struct {
	To, Subject, Text, HTML string
	Week                    string
	UserID                  int64
}

// Sender renders weekly digests and, with SMTP configured, mails them.
type Sender struct {
	cfg    Config
	db     *store.DB
	log    *slog.Logger
	css    string
	mailer *mailer.Mailer // nil without SMTP
}

// New checks the configuration; a bad SMTP URL is an error at start, not on
// Monday morning.
func New(cfg Config, db *store.DB, log *slog.Logger) (*Sender, error) {
	css, err := static.Read("app.css")
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.At == 0 {
		cfg.At = 8 * time.Hour
	}
	if cfg.At < 0 || cfg.At >= 24*time.Hour {
		return nil, errors.New("the digest time must be within the day, such as 08:00")
	}
	if cfg.From == "" {
		cfg.From = DefaultFrom(cfg.BaseURL)
	}
	d := &Sender{cfg: cfg, db: db, log: log, css: string(css)}
	if d.mailer, err = mailer.New(cfg.SMTP, cfg.From); err != nil {
		return nil, err
	}
	return d, nil
}

// dueWeek is the week whose digest is due at now for a set of restaurants:
// the week just ended, once its Monday's send time has passed in every
// restaurant's zone; "" while it has not.
func (d *Sender) dueWeek(rs []store.Restaurant, now time.Time) string {
	due := ""
	for _, r := range rs {
		cur := store.WeekOf(now, r.Location())
		y, m, day := cur.Start.Date()
		if now.Before(time.Date(y, m, day, 0, 0, 0, 0, r.Location()).Add(d.cfg.At)) {
			return ""
		}
		// A restaurant still in the week before gives the earlier week, whose
		// digest went out already: so one zone's Monday waits for the others.
		if w := cur.Prev().String(); due == "" || w < due {
			due = w
		}
	}
	return due
}

// Render builds one owner's digest of a week, from the summary's own model.
func (d *Sender) Render(ctx context.Context, o store.Owner, week string, now time.Time) (Email, error) {
	loc := o.Restaurants[0].Location()
	w, err := store.ParseWeek(week, loc)
	if err != nil {
		return Email{}, err
	}
	s, err := d.db.Summary(ctx, o.Restaurants, week)
	if err != nil {
		return Email{}, err
	}
	m := views.NewSummary(s, views.SummaryScope{Restaurants: o.Restaurants, Owned: o.Restaurants, Week: w, Now: now,
		Email: true, BaseURL: d.cfg.BaseURL})
	var html bytes.Buffer
	if err := views.DigestEmail(m, d.css).Render(ctx, &html); err != nil {
		return Email{}, err
	}
	return Email{To: o.User.Email, Subject: views.DigestSubject(m.Title, week, s.This), Text: views.SummaryText(m), HTML: html.String(), Week: week, UserID: o.User.ID}, nil
}

// ownerWeek is an owner and the week of a digest not yet sent to them.
type ownerWeek struct {
	owner store.Owner
	week  string
}

// unsent lists each owner whose digest of week (or, if it is "", of the week
// due at now) has not been sent. It only reads, so the minute ticker costs
// the one writer nothing once a week's digests are out.
func (d *Sender) unsent(ctx context.Context, now time.Time, week string) ([]ownerWeek, error) {
	owners, err := d.db.Owners(ctx)
	if err != nil {
		return nil, err
	}
	var out []ownerWeek
	for _, o := range owners {
		w := cmp.Or(week, d.dueWeek(o.Restaurants, now))
		if w == "" {
			continue
		}
		sent, err := d.db.DigestSent(ctx, o.User.ID, w)
		if err != nil {
			return nil, err
		}
		if !sent {
			out = append(out, ownerWeek{o, w})
		}
	}
	return out, nil
}

// Due renders every owner's digest that is due at now (or of week, if set)
// and not yet sent. It claims nothing: SendDue does.
func (d *Sender) Due(ctx context.Context, now time.Time, week string) ([]Email, error) {
	todo, err := d.unsent(ctx, now, week)
	if err != nil {
		return nil, err
	}
	var out []Email
	for _, t := range todo {
		dg, err := d.Render(ctx, t.owner, t.week, now)
		if err != nil {
			return nil, err
		}
		out = append(out, dg)
	}
	return out, nil
}

// SendDue mails each owner the digest due at now (or of week, if set), once:
// a digest already recorded as sent is skipped, and one that fails to send is
// released to be tried again.
func (d *Sender) SendDue(ctx context.Context, now time.Time, week string) (sent int, err error) {
	if d.mailer == nil {
		return 0, errors.New("SMTP is not configured: set -smtp or TABLESIDE_SMTP")
	}
	todo, err := d.unsent(ctx, now, week)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, t := range todo {
		o, w := t.owner, t.week
		// The claim, not the read above, is what makes it once: another
		// process may have claimed it since.
		claimed, err := d.db.ClaimDigest(ctx, o.User.ID, w)
		if err != nil || !claimed {
			errs = append(errs, err)
			continue
		}
		if err := d.mail(ctx, o, w, now); err != nil {
			errs = append(errs, fmt.Errorf("digest for %s, %s: %w", o.User.Email, w, err))
			if rerr := d.db.ReleaseDigest(context.WithoutCancel(ctx), o.User.ID, w); rerr != nil {
				errs = append(errs, rerr)
			}
			continue
		}
		sent++
		d.log.Info("digest sent", "to", o.User.Email, "week", w)
	}
	return sent, errors.Join(errs...)
}

func (d *Sender) mail(ctx context.Context, o store.Owner, week string, now time.Time) error {
	dg, err := d.Render(ctx, o, week, now)
	if err != nil {
		return err
	}
	return d.mailer.Send(ctx, mailer.Message{ToName: o.User.Name, To: dg.To, Subject: dg.Subject, Text: dg.Text, HTML: dg.HTML})
}

// Run sends due digests every so often until ctx ends. Without SMTP it logs
// that once and returns.
func (d *Sender) Run(ctx context.Context, every time.Duration, now func() time.Time) {
	if d.mailer == nil {
		d.log.Info("weekly digests are off: SMTP is not configured (set -smtp or TABLESIDE_SMTP)")
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.SendDue(ctx, now(), ""); err != nil && ctx.Err() == nil {
			d.log.Error("weekly digest", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DefaultFrom is the sender when none is set: tableside@ the base URL's host.
func DefaultFrom(baseURL string) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "Tableside <tableside@" + host + ">"
}
