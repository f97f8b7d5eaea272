package store

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Restaurant is one venue; its time zone decides what "today" and "this week"
// mean on its pages.
type Restaurant struct {
	ID       int64
	Slug     string
	Name     string
	TimeZone string
}

// Location returns the restaurant's time zone, or UTC if the stored name is not
// known to this build.
func (r Restaurant) Location() *time.Location {
	if loc, err := time.LoadLocation(r.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// CreateRestaurant stores a new restaurant and returns it with its id.
func (db *DB) CreateRestaurant(ctx context.Context, r Restaurant) (Restaurant, error) {
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case !slugRE.MatchString(r.Slug):
		return r, Errorf(EInvalid, "A slug is 1–40 lower-case letters, digits or dashes.")
	case r.Name == "":
		return r, Errorf(EInvalid, "A restaurant needs a name.")
	}
	if r.TimeZone == "" {
		r.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(r.TimeZone); err != nil {
		return r, Errorf(EInvalid, "Unknown time zone %q.", r.TimeZone)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return r, dbError(err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO restaurants (slug, name, time_zone, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id`,
		r.Slug, r.Name, r.TimeZone, db.nowMillis()).Scan(&r.ID)
	if err := dbError(err); err == ErrNotFound {
		return r, Errorf(EConflict, "A restaurant with the slug %q exists already.", r.Slug)
	} else if err != nil {
		return r, err
	}
	return r, dbError(tx.Commit())
}

// RestaurantBySlug finds a restaurant by its slug.
func (db *DB) RestaurantBySlug(ctx context.Context, slug string) (Restaurant, error) {
	var r Restaurant
	err := db.read.QueryRowContext(ctx, `SELECT id, slug, name, time_zone FROM restaurants WHERE slug = ?`, slug).
		Scan(&r.ID, &r.Slug, &r.Name, &r.TimeZone)
	return r, dbError(err)
}

// Restaurants lists every restaurant by name.
func (db *DB) Restaurants(ctx context.Context) ([]Restaurant, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, time_zone FROM restaurants ORDER BY name, id`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var rs []Restaurant
	for rows.Next() {
		var r Restaurant
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.TimeZone); err != nil {
			return nil, dbError(err)
		}
		rs = append(rs, r)
	}
	return rs, dbError(rows.Err())
}
