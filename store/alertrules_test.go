package store

import (
	"slices"
	"testing"
	"time"
)

func TestAlertRules(t *testing.T) {
	def := DefaultAlertRules()
	off := AlertRules{MaxRating: 0, UrgentTags: false, AtTable: false, EscalateAfter: time.Minute}
	strict := AlertRules{MaxRating: 3, UrgentTags: true, AtTable: true}
	tests := []struct {
		name    string
		rules   AlertRules
		rating  int
		tags    []string
		atTable bool
		want    []string
	}{
		{"happy guest", def, 5, []string{"food"}, false, nil},
		{"happy guest asking for someone", def, 5, []string{"service"}, true, []string{ReasonAsked}},
		{"asking for someone with every rule off", off, 4, nil, true, []string{ReasonAsked}},
		{"asking for someone, rating 3 but the at-table rule off", AlertRules{MaxRating: 2, UrgentTags: true}, 3, nil, true, []string{ReasonAsked}},
		{"rating 2", def, 2, nil, false, []string{ReasonLowRating}},
		{"rating 1 at the table", def, 1, []string{"slow"}, true, []string{ReasonLowRating, ReasonAtTable}},
		{"rating 3 with no complaint, gone", def, 3, nil, false, nil},
		{"rating 3 at the table is a complaint", def, 3, nil, true, []string{ReasonAtTable}},
		{"rating 5 but cold food, at the table", def, 5, []string{"cold-food"}, true, []string{ReasonAtTable}},
		{"something in the food, rated 5", def, 5, []string{"foreign-object"}, false, []string{ReasonUrgent}},
		{"allergy, rated 4, at the table", def, 4, []string{"allergy", "food"}, true, []string{ReasonUrgent, ReasonAtTable}},
		{"unknown tags count for nothing", def, 5, []string{"nope"}, false, nil},
		{"all rules off, not at the table", off, 1, []string{"foreign-object"}, false, nil},
		{"stricter threshold", strict, 3, nil, false, []string{ReasonLowRating}},
	}
	for _, tt := range tests {
		if got := tt.rules.Reasons(tt.rating, tt.tags, tt.atTable); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Reasons = %v, want %v", tt.name, got, tt.want)
		}
	}
}
