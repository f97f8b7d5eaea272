package store

import (
	"testing"
	"time"
)

func complaints(n int, table string, part Daypart, tags ...string) []ComplaintFact {
	var cs []ComplaintFact
	for range n {
		cs = append(cs, ComplaintFact{Table: table, Daypart: part, Tags: tags})
	}
	return cs
}

// TestActionRules: each rule fires at its threshold and stays quiet under
// it, with its evidence.
func TestActionRules(t *testing.T) {
	quietRate := WeekFacts{HasRate: true, HasRateBefore: true, Rate: 0.2, RateBefore: 0.2, Covers: 500}
	for _, c := range []struct {
		name string
		f    WeekFacts
		want []ActionKind
		test func(t *testing.T, as []Action)
	}{
		{"nothing to do", WeekFacts{}, nil, nil},
		{"a quiet normal week", quietRate, nil, nil},
		{"overdue follow-ups", WeekFacts{OverdueFollowUps: []string{"Table 7", "Table 2", "Table 7"}}, []ActionKind{ActionOverdueFollowUps},
			func(t *testing.T, as []Action) {
				if as[0].Count != 3 || len(as[0].Tables) != 2 || as[0].Tables[0] != "Table 2" {
					t.Errorf("evidence %+v", as[0])
				}
			}},
		{"an escalation nobody took", WeekFacts{Untaken: []string{"Table 4"}}, []ActionKind{ActionUntaken}, nil},
		{"two complaints about a table: quiet", WeekFacts{Complaints: complaints(2, "Table 3", Dinner, "slow")}, nil, nil},
		{"three about a table, and the topic", WeekFacts{Complaints: complaints(3, "Table 3", Dinner, "slow")},
			[]ActionKind{ActionTopComplaint, ActionRepeatTable}, func(t *testing.T, as []Action) {
				top := as[0]
				if top.Topic != "slow" || top.Daypart != Dinner || top.Count != 3 || len(top.Tables) != 1 || top.Tables[0] != "Table 3" {
					t.Errorf("top complaint %+v", top)
				}
			}},
		{"a topic spread over the day and the room", WeekFacts{Complaints: append(append(complaints(1, "Table 1", Lunch, "cold-food"),
			complaints(1, "Table 2", Dinner, "cold-food")...), complaints(1, "Table 3", Breakfast, "cold-food")...)},
			[]ActionKind{ActionTopComplaint}, func(t *testing.T, as []Action) {
				if as[0].Daypart != "" || len(as[0].Tables) != 0 {
					t.Errorf("no daypart or table stands out, yet %+v", as[0])
				}
			}},
		{"a topic in one section", WeekFacts{Complaints: append(append(complaints(1, "Terrace 1", Dinner, "slow"), complaints(1, "Terrace 2", Dinner, "slow")...),
			complaints(1, "Table 1", Lunch, "slow")...)}, []ActionKind{ActionTopComplaint}, nil},
		{"praise ticks are no topic", WeekFacts{Complaints: complaints(4, "", Lunch, "food")}, nil, nil},
		{"slower acknowledgement", WeekFacts{HasAckBefore: true, Acks: 4, AckMedian: 3 * time.Minute, AckBefore: time.Minute},
			[]ActionKind{ActionSlowerAck}, nil},
		{"slower but quick: quiet", WeekFacts{HasAckBefore: true, Acks: 4, AckMedian: 50 * time.Second, AckBefore: 20 * time.Second}, nil, nil},
		{"slower, too few: quiet", WeekFacts{HasAckBefore: true, Acks: 2, AckMedian: 3 * time.Minute, AckBefore: time.Minute}, nil, nil},
		{"no weeks before: quiet", WeekFacts{Acks: 4, AckMedian: 3 * time.Minute}, nil, nil},
		{"falling responses", WeekFacts{HasRate: true, HasRateBefore: true, Rate: 0.1, RateBefore: 0.2, Covers: 500, SilentTables: []string{"Table 9"}},
			[]ActionKind{ActionFallingResponses}, func(t *testing.T, as []Action) {
				if as[0].Count != 50 || as[0].Tables[0] != "Table 9" {
					t.Errorf("evidence %+v", as[0])
				}
			}},
		{"falling on a tiny week: quiet", WeekFacts{HasRate: true, HasRateBefore: true, Rate: 0.05, RateBefore: 0.2, Covers: 30}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			as := ActionsFor(c.f)
			var got []ActionKind
			for _, a := range as {
				got = append(got, a.Kind)
			}
			if len(got) != len(c.want) {
				t.Fatalf("actions %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("actions %v, want %v", got, c.want)
				}
			}
			if c.test != nil {
				c.test(t, as)
			}
		})
	}
}

// TestTopComplaintNamesItsSection: where one section holds most of a
// topic, the action names the section rather than a table.
func TestTopComplaintNamesItsSection(t *testing.T) {
	var cs []ComplaintFact
	for _, table := range []string{"Terrace 1", "Terrace 2", "Terrace 3", "Table 1"} {
		section := "Terrace"
		if table == "Table 1" {
			section = "Inside"
		}
		cs = append(cs, ComplaintFact{Table: table, Section: section, Daypart: Dinner, Tags: []string{"slow"}})
	}
	as := ActionsFor(WeekFacts{Complaints: cs})
	if len(as) != 1 || as[0].Section != "Terrace" || as[0].Daypart != Dinner || len(as[0].Tables) != 0 {
		t.Fatalf("%+v", as)
	}
}

// TestRepeatTablesOfTheTopSectionAreSaidOnce: tables of the section the top
// complaint names are not listed again as repeat tables.
func TestRepeatTablesOfTheTopSectionAreSaidOnce(t *testing.T) {
	var cs []ComplaintFact
	for range 4 {
		cs = append(cs, ComplaintFact{Table: "Terrace 1", Section: "Terrace", Daypart: Dinner, Tags: []string{"slow"}},
			ComplaintFact{Table: "Terrace 2", Section: "Terrace", Daypart: Dinner, Tags: []string{"slow"}},
			ComplaintFact{Table: "Table 3", Section: "Inside", Daypart: Lunch, Tags: []string{"noise"}})
	}
	as := ActionsFor(WeekFacts{Complaints: cs})
	if len(as) != 2 || as[0].Kind != ActionTopComplaint || as[0].Section != "Terrace" || as[1].Kind != ActionRepeatTable ||
		len(as[1].Tables) != 1 || as[1].Tables[0] != "Table 3" {
		t.Fatalf("%+v", as)
	}
}

// TestRepeatTablesAreOneAction: every table complained about again and
// again is named in one action, the most complained about first.
func TestRepeatTablesAreOneAction(t *testing.T) {
	f := WeekFacts{Complaints: append(append(complaints(3, "Table 2", Lunch), complaints(5, "Table 6", Dinner)...), complaints(2, "Table 9", Lunch)...)}
	as := ActionsFor(f)
	if len(as) != 1 || as[0].Kind != ActionRepeatTable || as[0].Count != 8 || as[0].Cost != 80 ||
		len(as[0].Tables) != 2 || as[0].Tables[0] != "Table 6" || as[0].Counts[0] != 5 || as[0].Tables[1] != "Table 2" {
		t.Fatalf("%+v", as)
	}
}

// TestActionsRank: the costliest first, at most five.
func TestActionsRank(t *testing.T) {
	f := WeekFacts{
		OverdueFollowUps: []string{"Table 1"},                                                                          // 100
		Untaken:          []string{"Table 2", "Table 3"},                                                               // 120
		Complaints:       append(complaints(4, "Table 5", Lunch, "slow"), complaints(3, "Table 6", Dinner, "slow")...), // topic 105; tables 70
		HasAckBefore:     true, Acks: 3, AckMedian: 5 * time.Minute, AckBefore: time.Minute,                            // 15
		HasRate: true, HasRateBefore: true, Rate: 0.05, RateBefore: 0.2, Covers: 1000, // 150
	}
	as := ActionsFor(f)
	want := []ActionKind{ActionFallingResponses, ActionUntaken, ActionTopComplaint, ActionOverdueFollowUps, ActionRepeatTable}
	if len(as) != MaxActions {
		t.Fatalf("%d actions", len(as))
	}
	for i, a := range as {
		if a.Kind != want[i] {
			t.Fatalf("rank %d: %s (cost %d), want %s: %+v", i, a.Kind, a.Cost, want[i], as)
		}
	}
}

// TestDaypartOf: the restaurant's own clock decides the daypart.
func TestDaypartOf(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 12, 4, 11, 30, 0, 0, time.UTC) // 20:30 in Tokyo
	if DaypartOf(at, time.UTC) != Lunch || DaypartOf(at, tokyo) != Dinner {
		t.Fatalf("%s / %s", DaypartOf(at, time.UTC), DaypartOf(at, tokyo))
	}
	for h, want := range map[int]Daypart{4: Late, 5: Breakfast, 10: Breakfast, 11: Lunch, 15: Afternoon, 17: Dinner, 21: Dinner, 22: Late, 0: Late} {
		if got := DaypartOf(time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC), time.UTC); got != want {
			t.Errorf("%02d:00: %s, want %s", h, got, want)
		}
	}
}
