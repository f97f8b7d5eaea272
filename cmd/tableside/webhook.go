package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tableside/tableside/cmd/tableside/internal/notify"
	"github.com/tableside/tableside/store"
)

const webhookUsage = `usage:
  tableside webhook add -db PATH -restaurant SLUG -url URL [-format json|slack] [-allow-private-hooks]
  tableside webhook list -db PATH [-restaurant SLUG]
  tableside webhook remove -db PATH -id ID [-restaurant SLUG]`

// runWebhook is `tableside webhook add|list|remove`: the tools told of a
// restaurant's alerts, as on the owner's webhooks page.
func runWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(webhookUsage)
	}
	switch args[0] {
	case "add":
		return webhookAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return webhookList(ctx, args[1:], stdout, stderr)
	case "remove":
		return webhookRemove(ctx, args[1:], stdout, stderr)
	}
	return errors.New(webhookUsage)
}

// webhookAdd adds a webhook and prints its secret, alone on standard output
// (SECRET=$(tableside webhook add …)); what was added goes to standard error.
// The server's rule on where webhooks may point holds here too.
func webhookAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("webhook add", stderr, "allow-private-hooks")
	slug := cmd.String("restaurant", "", "the restaurant's slug")
	target := cmd.String("url", "", "where to post: an http or https URL")
	format := cmd.String("format", store.FormatJSON, "json (signed, Standard Webhooks) or slack (a Slack or Mattermost incoming webhook)")
	private := cmd.Bool("allow-private-hooks", false, "allow a private or local address (TABLESIDE_ALLOW_PRIVATE_HOOKS)")
	db, err := cmd.open(ctx, args, func() error {
		if *slug == "" || *target == "" {
			return errors.New("webhook add: -restaurant and -url are required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.RestaurantBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("restaurant %q: %w", *slug, err)
	}
	err = (notify.Guard{AllowPrivate: *private}).Check(ctx, *target, false)
	var w store.Webhook
	if err == nil {
		w, err = db.AddWebhook(ctx, r.ID, *target, *format)
	}
	if store.ErrorCode(err) == store.EInvalid {
		return errors.New(store.ErrorMessage(err)) // the message alone, for the person who typed the URL
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "webhook %d of %s: %s (%s); its signing secret, shown once:\n", w.ID, r.Slug, w.URL, w.Format)
	_, err = fmt.Fprintln(stdout, w.Secret)
	return err
}

// webhookList prints one line per webhook: ID, restaurant, format, URL and
// how its last delivery went, tab-separated. Secrets are not shown again.
func webhookList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("webhook list", stderr)
	slug := cmd.String("restaurant", "", "only this restaurant's (default: all)")
	db, err := cmd.open(ctx, args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.Restaurants(ctx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if *slug != "" && r.Slug != *slug {
			continue
		}
		hooks, err := db.Webhooks(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, w := range hooks {
			last := "none yet"
			if ds, err := db.Deliveries(ctx, store.ChannelWebhook, w.ID, 1); err != nil {
				return err
			} else if len(ds) == 1 {
				last = lastDelivery(ds[0])
			}
			if _, err := fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\n", w.ID, r.Slug, w.Format, w.URL, last); err != nil {
				return err
			}
		}
	}
	return nil
}

// lastDelivery says how a delivery went, briefly: "sent 200", "pending
// (3 attempts, last 503)".
func lastDelivery(d store.Delivery) string {
	s := d.Status
	if d.LastCode != 0 {
		s += fmt.Sprintf(" %d", d.LastCode)
	} else if d.LastError != "" {
		s += ": " + d.LastError
	}
	return s + " at " + d.CreatedAt.UTC().Format("2006-01-02T15:04Z")
}

// webhookRemove removes a webhook by ID; what it still had to send is not
// sent.
func webhookRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("webhook remove", stderr)
	id := cmd.Int64("id", 0, "the webhook's ID, from 'tableside webhook list'")
	slug := cmd.String("restaurant", "", "refuse unless the webhook is this restaurant's")
	db, err := cmd.open(ctx, args, func() error {
		if *id <= 0 {
			return errors.New("webhook remove: -id is required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	var restaurantID int64
	if *slug != "" {
		r, err := db.RestaurantBySlug(ctx, *slug)
		if err != nil {
			return fmt.Errorf("restaurant %q: %w", *slug, err)
		}
		restaurantID = r.ID
	}
	if err := db.RemoveWebhook(ctx, restaurantID, *id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no webhook %d", *id)
	} else if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "removed webhook %d\n", *id)
	return err
}
