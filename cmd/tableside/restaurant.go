package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tableside/tableside/store"
)

const restaurantUsage = `usage:
  tableside restaurant add -db PATH -name NAME [-slug SLUG] -time-zone ZONE -currency CODE [-country CC] [-languages en,fr]
  tableside restaurant list -db PATH`

// runRestaurant is `tableside restaurant add|list`: a real restaurant, made
// without the demo.
func runRestaurant(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(restaurantUsage)
	}
	switch args[0] {
	case "add":
		return restaurantAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return restaurantList(ctx, args[1:], stdout, stderr)
	}
	return errors.New(restaurantUsage)
}

// restaurantAdd makes a restaurant and prints its slug. The database is
// made if it does not exist yet: this is how a new server starts.
func restaurantAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("restaurant add", stderr)
	name := cmd.String("name", "", "the restaurant's name, as guests see it")
	slug := cmd.String("slug", "", "its short name in URLs: lower-case letters, digits and dashes (default: from the name)")
	zone := cmd.String("time-zone", "", "its IANA time zone, such as Europe/Lisbon or America/New_York")
	code := cmd.String("currency", "", "its currency, an ISO 4217 code such as EUR, GBP or JPY")
	country := cmd.String("country", "", "its country, a two-letter code such as PT, GB or US: guests' phone numbers without +… are read as its")
	langs := cmd.String("languages", "en", "the languages offered to diners, the default first: "+strings.Join(store.DinerLanguages, ","))
	db, err := cmd.create(ctx, args, func() error {
		if *name == "" || *zone == "" || *code == "" {
			return errors.New("restaurant add: -name, -time-zone and -currency are required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Name: *name, Slug: *slug, TimeZone: *zone, Currency: strings.ToUpper(*code),
		Country: *country, Languages: strings.Split(*langs, ",")})
	if c := store.ErrorCode(err); c == store.EInvalid || c == store.EConflict {
		return errors.New(store.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s added (%s, %s, %s); next: tableside user add -db %s -restaurant %s -role owner -email …\n",
		r.Name, r.TimeZone, r.Currency, strings.Join(r.Languages, ","), *cmd.db, r.Slug)
	_, err = fmt.Fprintln(stdout, r.Slug)
	return err
}

// restaurantList prints one line per restaurant:
// SLUG<TAB>NAME<TAB>ZONE<TAB>CURRENCY<TAB>LANGUAGES.
func restaurantList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("restaurant list", stderr)
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
		if _, err := fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", r.Slug, r.Name, r.TimeZone, r.Currency, strings.Join(r.Languages, ",")); err != nil {
			return err
		}
	}
	return nil
}
