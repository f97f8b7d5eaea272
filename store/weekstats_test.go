package store

import (
	"slices"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	for _, tt := range []struct {
		ds   []time.Duration
		q    float64
		want time.Duration
	}{
		{ms(5), 0.5, 5 * time.Millisecond},
		{ms(5), 0.99, 5 * time.Millisecond},
		{ms(4, 1, 3, 2), 0.5, 2 * time.Millisecond}, // nearest rank: the 2nd of 4
		{ms(4, 1, 3, 2), 0.75, 3 * time.Millisecond},
		{ms(4, 1, 3, 2), 1, 4 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.9, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.91, 10 * time.Millisecond},
		{ms(10, 20, 30), 0.01, 10 * time.Millisecond},
	} {
		if got := Quantile(slices.Clone(tt.ds), tt.q); got != tt.want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", tt.ds, tt.q, got, tt.want)
		}
	}
}

// TestTally adds up a small week by hand: what is a complaint, a request, a
// comp, resolved while present; how tags told in person count.
func TestTally(t *testing.T) {
	groups := []responseGroup{
		{Rating: 5, Tags: []string{"food", "service"}, N: 3},
		{Rating: 1, AtTable: true, Tags: []string{"slow"}, N: 2},
		{Rating: 3, Tags: []string{"nope"}, N: 1}, // an unknown tag counts for nothing
	}
	alerts := []alertRow{
		{Acknowledged: true, AckAfter: 2 * time.Minute, Resolved: true, Outcome: OutcomeCompedBill, AmountMinor: 1200, Currency: "JPY"},
		{Escalated: true, Acknowledged: true, AckAfter: 6 * time.Minute, Resolved: true, Outcome: OutcomeGuestLeft, Currency: "JPY"},
		{InPerson: true, Tags: []string{"slow", "rude"}, Currency: "JPY"},
		{Request: true, Acknowledged: true, Resolved: true, Outcome: OutcomeApologised, Currency: "JPY"},
		{Resolved: true, Outcome: OutcomeDiscount, AmountMinor: 300, Currency: "JPY"},
	}
	s := tally("2026-W43", groups, alerts)
	avg, _ := s.Average()
	med, p90, _ := s.AckTimes()
	if s.Responses != 6 || s.Ratings != [5]int{2, 0, 1, 0, 3} || s.AtTable != 2 || avg != (5*3+1*2+3)/6.0 {
		t.Errorf("responses %d, ratings %v, at table %d, average %v", s.Responses, s.Ratings, s.AtTable, avg)
	}
	if s.Voiced != 4 || s.Requests != 1 || s.InPerson != 1 || s.Escalated != 1 || s.Acknowledged != 3 || s.Resolved != 4 || s.ResolvedPresent != 2 {
		t.Errorf("voiced %d, requests %d, in person %d, escalated %d, acknowledged %d, resolved %d, present %d",
			s.Voiced, s.Requests, s.InPerson, s.Escalated, s.Acknowledged, s.Resolved, s.ResolvedPresent)
	}
	if med != 2*time.Minute || p90 != 6*time.Minute {
		t.Errorf("ack times %v, %v", med, p90)
	}
	if !slices.Equal(s.Comps, []Comps{{Count: 2, Total: Money{Minor: 1500, Currency: "JPY"}}}) {
		t.Errorf("comps %+v", s.Comps)
	}
	if len(s.Complaints) != 2 || s.Complaints[0].Key != "slow" || s.Complaints[0].Count != 3 || s.Complaints[1].Key != "rude" {
		t.Errorf("complaints %+v", s.Complaints)
	}
	if len(s.Praise) != 2 || s.Praise[0].Count != 3 {
		t.Errorf("praise %+v", s.Praise)
	}
	if empty := tally("2026-W44", nil, nil); empty.Responses != 0 || empty.Comps != nil {
		t.Errorf("an empty week: %+v", empty)
	}
	if _, ok := tally("", nil, nil).Average(); ok {
		t.Error("an empty week has an average")
	}
}

// TestUnratedResponses: a guest who only asked for someone counts as a
// response and, at the table, as a request, but not in the ratings, their
// average, or the complaints.
func TestUnratedResponses(t *testing.T) {
	s := tally("2026-W49", []responseGroup{
		{Rating: 0, AtTable: true, N: 3},
		{Rating: 0, AtTable: true, Tags: []string{"allergy"}, N: 1},
		{Rating: 4, N: 2},
	}, []alertRow{{Request: true}, {Request: true}, {Request: true}, {}})
	if s.Responses != 6 || s.Rated != 2 || s.Ratings != [5]int{0, 0, 0, 2, 0} {
		t.Fatalf("responses %d, rated %d, ratings %v", s.Responses, s.Rated, s.Ratings)
	}
	if avg, ok := s.Average(); !ok || avg != 4 {
		t.Errorf("average %v %v, want 4 over the rated only", avg, ok)
	}
	if share, ok := s.HappyShare(); !ok || share != 1 {
		t.Errorf("happy share %v %v, want 1", share, ok)
	}
	if s.Complained.Total() != 1 || s.Complained.Unprompted != 1 || s.Requests != 3 {
		t.Errorf("complained %+v, requests %d: only the allergy is a complaint", s.Complained, s.Requests)
	}
	if IsComplaint(0, nil) {
		t.Error("no rating and no tick is a complaint")
	}
}
