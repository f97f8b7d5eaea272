package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Section is a part of the dining room an owner names, with its tables
// (their labels).
type Section struct {
	ID     int64
	Name   string
	Tables []string
}

// MaxSectionName is the longest section name, in characters.
const MaxSectionName = 40

// Sections lists a restaurant's sections by name, each with its active
// tables by label.
func (db *DB) Sections(ctx context.Context, restaurantID int64) ([]Section, error) {
	var out []Section
	err := db.each(ctx, `SELECT s.id, s.name, coalesce(t.label, '') FROM sections s
		LEFT JOIN tables t ON t.section_id = s.id AND t.active
		WHERE s.restaurant_id = ? ORDER BY s.name, t.label`, []any{restaurantID}, func(row rowScanner) error {
		var s Section
		var label string
		if err := row.Scan(&s.ID, &s.Name, &label); err != nil {
			return err
		}
		if n := len(out); n > 0 && out[n-1].ID == s.ID {
			out[n-1].Tables = append(out[n-1].Tables, label)
			return nil
		}
		if label != "" {
			s.Tables = []string{label}
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// SaveSections makes a restaurant's sections what plan says, all or none:
// each named section with exactly its tables (by label); a section no
// longer named is removed (what was made in it keeps no section), a table
// in none is in no section. A name is one line of at most 40 characters,
// used once; a table is the restaurant's and in one section at most. Its
// problems are on the field "sections".
func (db *DB) SaveSections(ctx context.Context, restaurantID int64, plan []Section) error {
	problem := func(format string, args ...any) error {
		return Invalid([]Problem{{Field: "sections", Message: fmt.Sprintf(format, args...)}})
	}
	names, inSection := map[string]bool{}, map[string]string{}
	for i, s := range plan {
		name, err := oneLineName(s.Name, "A section's name", "A section needs a name.")
		switch {
		case err != nil:
			return problem("%s", ErrorMessage(err))
		case utf8.RuneCountInString(name) > MaxSectionName:
			return problem("A section's name is at most %d characters: %q.", MaxSectionName, name)
		case names[strings.ToLower(name)]:
			return problem("There are two sections called %q.", name)
		}
		names[strings.ToLower(name)], plan[i].Name = true, name
		for _, t := range s.Tables {
			if other, ok := inSection[t]; ok {
				return problem("%s is in two sections, %s and %s.", t, other, name)
			}
			inSection[t] = name
		}
	}
	return db.update(ctx, func(tx *Tx) error {
		labels := map[string]int64{}
		err := tx.each(ctx, `SELECT id, label FROM tables WHERE restaurant_id = ? AND active`, []any{restaurantID}, func(row rowScanner) error {
			var id int64
			var label string
			err := row.Scan(&id, &label)
			labels[label] = id
			return err
		})
		if err != nil {
			return err
		}
		for t := range inSection {
			if _, ok := labels[t]; !ok {
				return problem("There is no table %q: use the labels on the tables page.", t)
			}
		}
		var keep []any
		for _, s := range plan {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO sections (restaurant_id, name, created_at) VALUES (?, ?, ?)
				ON CONFLICT (restaurant_id, name) DO UPDATE SET name = excluded.name RETURNING id`,
				restaurantID, s.Name, tx.nowMillis()).Scan(&id)
			if err != nil {
				return err
			}
			keep = append(keep, id)
			if _, err := tx.ExecContext(ctx, `UPDATE tables SET section_id = NULL WHERE restaurant_id = ? AND section_id = ?`, restaurantID, id); err != nil {
				return err
			}
			for _, t := range s.Tables {
				if _, err := tx.ExecContext(ctx, `UPDATE tables SET section_id = ? WHERE id = ?`, id, labels[t]); err != nil {
					return err
				}
			}
		}
		gone := `DELETE FROM sections WHERE restaurant_id = ?`
		if len(keep) > 0 {
			gone += ` AND id NOT IN (?` + strings.Repeat(", ?", len(keep)-1) + `)`
		}
		_, err = tx.ExecContext(ctx, gone, append([]any{restaurantID}, keep...)...)
		return err
	})
}

// Shift is who of the team serves each section now: section id to names.
type Shift map[int64][]string

// ShiftNow is who serves each of a restaurant's sections now, as last set
// on the floor.
func (db *DB) ShiftNow(ctx context.Context, restaurantID int64) (Shift, error) {
	out := Shift{}
	err := db.each(ctx, `SELECT section_id, person FROM shifts WHERE restaurant_id = ? AND to_at IS NULL ORDER BY person`,
		[]any{restaurantID}, func(row rowScanner) error {
			var id int64
			var person string
			if err := row.Scan(&id, &person); err != nil {
				return err
			}
			out[id] = append(out[id], person)
			return nil
		})
	return out, err
}

// SetShift says who serves a section from now on, by userID (a manager on
// the floor): those who left it stop now, those who joined start now, the
// others go on. Names are the restaurant's team names (its settings), never
// free text; problems are on the field "shift".
func (db *DB) SetShift(ctx context.Context, restaurantID, sectionID, userID int64, people []string) error {
	return db.update(ctx, func(tx *Tx) error {
		var team string
		err := tx.QueryRowContext(ctx, `SELECT r.team_names FROM restaurants r JOIN sections s ON s.restaurant_id = r.id
			WHERE r.id = ? AND s.id = ?`, restaurantID, sectionID).Scan(&team)
		if err != nil {
			return err
		}
		names := splitNames(team)
		for _, p := range people {
			if !slices.Contains(names, p) {
				return Invalid([]Problem{{Field: "shift", Message: fmt.Sprintf("%q is not on the team: add them in the restaurant's settings first.", p)}})
			}
		}
		now := tx.nowMillis()
		var on []string
		err = tx.each(ctx, `SELECT person FROM shifts WHERE section_id = ? AND to_at IS NULL`, []any{sectionID}, func(row rowScanner) error {
			var p string
			err := row.Scan(&p)
			on = append(on, p)
			return err
		})
		if err != nil {
			return err
		}
		for _, p := range on {
			if !slices.Contains(people, p) {
				if _, err := tx.ExecContext(ctx, `UPDATE shifts SET to_at = ? WHERE section_id = ? AND person = ? AND to_at IS NULL`, now, sectionID, p); err != nil {
					return err
				}
			}
		}
		for _, p := range slices.Compact(slices.Sorted(slices.Values(people))) {
			if !slices.Contains(on, p) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO shifts (restaurant_id, section_id, person, from_at, set_by) VALUES (?, ?, ?, ?, ?)`,
					restaurantID, sectionID, p, now, userID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
