package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tableside/tableside/cmd/tableside/internal/digest"
)

// digestFlags adds the weekly digest's settings to a flag set.
func digestFlags(fs *flag.FlagSet, c *digest.Config) {
	fs.StringVar(&c.SMTP, "smtp", c.SMTP, "mail server for the Monday digest, escalations and offers to guests: smtp://user:pass@host:587 (STARTTLS), smtps://…:465, or smtp+insecure://localhost:25; empty sends nothing (TABLESIDE_SMTP)")
	fs.StringVar(&c.From, "mail-from", c.From, "sender of the digest (TABLESIDE_MAIL_FROM; default tableside@ the base URL's host)")
	fs.Func("digest-at", "time on Monday, in each restaurant's zone, the digest of last week is sent (TABLESIDE_DIGEST_AT; default 08:00)", func(s string) error {
		return parseClock(s, &c.At)
	})
}

func parseClock(s string, d *time.Duration) error {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return fmt.Errorf("%q is not a time like 08:00", s)
	}
	*d = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	return nil
}

// runDigest sends (or with -dry-run prints) the weekly digests: each owner's
// for -week, or for the week now due. Digests already sent are not sent again.
func runDigest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("digest", stderr, "base-url", "smtp", "mail-from", "digest-at")
	var cfg digest.Config
	cmd.StringVar(&cfg.BaseURL, "base-url", "http://localhost:8080", "URL the server is reached at, for links")
	week := cmd.String("week", "", "ISO week, such as 2026-W47 (default: the week now due)")
	dry := cmd.Bool("dry-run", false, "print what would be sent; send and record nothing")
	html := cmd.Bool("html", false, "with -dry-run, print the HTML part as well")
	digestFlags(cmd.FlagSet, &cfg)
	db, err := cmd.open(ctx, args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := digest.New(cfg, db, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	now := time.Now()
	if !*dry {
		sent, err := d.SendDue(ctx, now, *week)
		fmt.Fprintf(stdout, "%d digests sent\n", sent)
		return err
	}
	digests, err := d.Due(ctx, now, *week)
	if err != nil {
		return err
	}
	for _, dg := range digests {
		fmt.Fprintf(stdout, "To: %s\nSubject: %s\n\n%s\n", dg.To, dg.Subject, dg.Text)
		if *html {
			fmt.Fprintf(stdout, "%s\n", dg.HTML)
		}
		fmt.Fprintf(stdout, "%s\n", "----------------------------------------------------------------")
	}
	fmt.Fprintf(stdout, "%d digests would be sent (dry run: nothing sent or recorded)\n", len(digests))
	return nil
}
