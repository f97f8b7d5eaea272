package store

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEventKindsAreTheSchemas: the kinds the code knows are those each
// engine's schema allows, as its last migration to say so has it.
func TestEventKindsAreTheSchemas(t *testing.T) {
	check := regexp.MustCompile(`(?s)kind\s+(?:TEXT|text)?\s*(?:NOT NULL\s*)?CHECK \(kind IN \(([^)]*)\)\)|CHECK \(kind IN \(([^)]*)\)\)`)
	var want []string
	for _, k := range EventKinds {
		want = append(want, string(k))
	}
	slices.Sort(want)
	for _, dir := range []string{engineSQLite, enginePostgres} {
		ms, err := loadMigrations(dir)
		if err != nil {
			t.Fatal(err)
		}
		var last []string
		for _, m := range ms {
			for _, c := range check.FindAllStringSubmatch(m.sql, -1) {
				list := c[1] + c[2]
				last = nil
				for _, k := range strings.Split(list, ",") {
					last = append(last, strings.Trim(strings.TrimSpace(k), "'"))
				}
			}
		}
		slices.Sort(last)
		if !slices.Equal(last, want) {
			t.Errorf("%s allows kinds %v; the code knows %v", dir, last, want)
		}
	}
}

// TestLadder: the ladder's steps fall due at t, 2t, 3t, then every 3t, each
// reaching at least as far as the one before; only step 3 emails owners.
func TestLadder(t *testing.T) {
	prev := Rung{}
	for step := 1; step <= MaxEscalationSteps; step++ {
		r := EscalationRung(step)
		if r.Step != step || r.After <= prev.After || r.Audience < prev.Audience || r.Email != (step == 3) {
			t.Errorf("step %d: %+v after %+v", step, r, prev)
		}
		prev = r
	}
	if EscalationRung(4).After != 6 || EscalationRung(5).After != 9 {
		t.Errorf("steps 4 and 5 fall due at %dt and %dt, want 6t and 9t", EscalationRung(4).After, EscalationRung(5).After)
	}
}
