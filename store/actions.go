package store

import (
	"slices"
	"time"
)

// Daypart is a part of a restaurant's day, in its own time zone.
type Daypart string

// The dayparts, in the order of a day.
const (
	Breakfast Daypart = "breakfast" // 05:00–11:00
	Lunch     Daypart = "lunch"     // 11:00–15:00
	Afternoon Daypart = "afternoon" // 15:00–17:00
	Dinner    Daypart = "dinner"    // 17:00–22:00
	Late      Daypart = "late"      // 22:00–05:00
)

// Dayparts lists the dayparts in the order of a day.
var Dayparts = []Daypart{Breakfast, Lunch, Afternoon, Dinner, Late}

// DaypartOf is the daypart of a moment, read in the restaurant's zone.
func DaypartOf(t time.Time, loc *time.Location) Daypart {
	switch h := t.In(loc).Hour(); {
	case h >= 5 && h < 11:
		return Breakfast
	case h >= 11 && h < 15:
		return Lunch
	case h >= 15 && h < 17:
		return Afternoon
	case h >= 17 && h < 22:
		return Dinner
	}
	return Late
}

// ActionKind names a rule of "This week", the owner's first read.
type ActionKind string

// The rules, in the order of what they usually cost the restaurant.
const (
	ActionOverdueFollowUps ActionKind = "overdue-follow-ups"  // a promise to a guest not kept
	ActionUntaken          ActionKind = "untaken-escalations" // a call nobody answered
	ActionRepeatTable      ActionKind = "repeat-table"        // one table complained about again and again
	ActionTopComplaint     ActionKind = "top-complaint"       // what went wrong most, when and where
	ActionSlowerAck        ActionKind = "slower-acknowledgement"
	ActionFallingResponses ActionKind = "falling-responses"
)

// MaxActions is how many actions "This week" shows at most.
const MaxActions = 5

// ComplaintFact is one complaint of the week, as the rules read it: where,
// when (the daypart) and about what (complaint tag keys).
type ComplaintFact struct {
	Table   string
	Section string // "" when its table is in none
	Daypart Daypart
	Tags    []string
}

// WeekFacts is what the action rules read about one restaurant's week.
type WeekFacts struct {
	OverdueFollowUps []string // the tables of follow-ups past their time, as of now
	Untaken          []string // the tables of alerts escalated that nobody said they were going to
	Complaints       []ComplaintFact
	// Acknowledgement: this week's median and how many were acknowledged,
	// and the median of the four weeks before (false without any).
	AckMedian, AckBefore time.Duration
	Acks                 int
	HasAckBefore         bool
	// Responses per guest served: this week's and the four weeks before's
	// (false without guests served), and the active tables whose cards got
	// no response this week.
	Rate, RateBefore       float64
	HasRate, HasRateBefore bool
	Responses, Covers      int
	SilentTables           []string
}

// Action is one thing to do first, with its evidence; Cost ranks it (the
// guests it touches, weighted by how dear the failure is).
type Action struct {
	Kind    ActionKind
	Cost    int
	Count   int
	Tables  []string
	Counts  []int   // ActionRepeatTable: each table's complaints, most first
	Topic   string  // ActionTopComplaint: the tag key
	Daypart Daypart // ActionTopComplaint: when most of it happened ("" if no part stands out)
	Section string  // ActionTopComplaint: where most of it happened ("" if no section stands out)
	// ActionSlowerAck and ActionFallingResponses: this week against the
	// weeks before (durations, or responses per guest served).
	Now, Before float64
}

// The rules' thresholds, written down once (the README's "This week").
const (
	repeatTableMin    = 3                // complaints about one table in a week
	topComplaintMin   = 3                // mentions of one topic
	slowerAckFactor   = 1.5              // this week's median ack over the weeks before's
	slowerAckMin      = 60 * time.Second // and at least this
	slowerAckMinCount = 3                // acknowledgements this week
	fallingRateFactor = 0.7              // this week's response rate under this share of before's
	fallingRateMinN   = 50               // guests served this week
)

// ActionsFor is "This week": up to MaxActions things to do first, most
// costly first, from written rules (a pure function):
//
//	overdue follow-ups   every one: 100 each (a promise to a guest broken)
//	untaken escalations  alerts escalated that nobody took: 60 each
//	top complaint        the topic of ≥ 3 complaints, with the daypart
//	                     holding over half of them, and the section
//	                     holding over half (else the table most named):
//	                     15 each (a pattern with a time and a place)
//	repeat table         the tables with ≥ 3 complaints each, in one
//	                     action, but those in the section the top
//	                     complaint names: 10 each
//	slower ack           median over 1.5× the four weeks before's and
//	                     at least a minute, with ≥ 3 acknowledged: 5 each
//	falling responses    responses per guest under 70% of the four weeks
//	                     before's, with ≥ 50 served: 1 per response lost;
//	                     naming the tables with no response at all
//
// A week with nothing to do gives none.
func ActionsFor(f WeekFacts) []Action {
	var out []Action
	if n := len(f.OverdueFollowUps); n > 0 {
		out = append(out, Action{Kind: ActionOverdueFollowUps, Cost: 100 * n, Count: n, Tables: distinct(f.OverdueFollowUps)})
	}
	if n := len(f.Untaken); n > 0 {
		out = append(out, Action{Kind: ActionUntaken, Cost: 60 * n, Count: n, Tables: distinct(f.Untaken)})
	}
	byTable, sectionOf := map[string]int{}, map[string]string{}
	byTopic := map[string][]ComplaintFact{}
	for _, c := range f.Complaints {
		if c.Table != "" {
			byTable[c.Table]++
			sectionOf[c.Table] = c.Section
		}
		for _, k := range c.Tags {
			if t, ok := LookupTag(k); ok && t.Kind == Complaint {
				byTopic[k] = append(byTopic[k], c)
			}
		}
	}
	top := Action{Kind: ActionTopComplaint}
	if topic := mostOf(byTopic); topic != "" && len(byTopic[topic]) >= topComplaintMin {
		cs := byTopic[topic]
		parts, tables, sections := map[Daypart]int{}, map[string]int{}, map[string]int{}
		for _, c := range cs {
			parts[c.Daypart]++
			if c.Table != "" {
				tables[c.Table]++
			}
			if c.Section != "" {
				sections[c.Section]++
			}
		}
		top.Topic, top.Count, top.Cost = topic, len(cs), 15*len(cs)
		for _, p := range Dayparts {
			if 2*parts[p] > len(cs) {
				top.Daypart = p
			}
		}
		// Where: the section holding over half of it, else the table most
		// named (twice at least).
		if s := mostOfCount(sections); s != "" && 2*sections[s] > len(cs) {
			top.Section = s
		} else if t := mostOfCount(tables); t != "" && tables[t] >= 2 {
			top.Tables = []string{t}
		}
		out = append(out, top)
	}
	// Tables complained about again and again, but those of the section the
	// top complaint names already (the same trouble, said once).
	repeat := Action{Kind: ActionRepeatTable}
	for _, table := range sortedKeys(byTable) {
		if n := byTable[table]; n >= repeatTableMin && (top.Section == "" || sectionOf[table] != top.Section) {
			repeat.Tables, repeat.Counts = append(repeat.Tables, table), append(repeat.Counts, n)
			repeat.Count, repeat.Cost = repeat.Count+n, repeat.Cost+10*n
		}
	}
	if repeat.Count > 0 {
		sortByCount(repeat.Tables, repeat.Counts)
		out = append(out, repeat)
	}
	if f.HasAckBefore && f.Acks >= slowerAckMinCount && f.AckMedian >= slowerAckMin &&
		float64(f.AckMedian) > slowerAckFactor*float64(f.AckBefore) {
		out = append(out, Action{Kind: ActionSlowerAck, Cost: 5 * f.Acks, Count: f.Acks,
			Now: f.AckMedian.Seconds(), Before: f.AckBefore.Seconds()})
	}
	if f.HasRate && f.HasRateBefore && f.Covers >= fallingRateMinN && f.Rate < fallingRateFactor*f.RateBefore {
		lost := int((f.RateBefore - f.Rate) * float64(f.Covers))
		out = append(out, Action{Kind: ActionFallingResponses, Cost: max(1, lost), Count: lost, Tables: f.SilentTables,
			Now: f.Rate, Before: f.RateBefore})
	}
	slices.SortStableFunc(out, func(a, b Action) int { return b.Cost - a.Cost })
	return out[:min(len(out), MaxActions)]
}

// sortByCount orders tables by their counts, most first (stable: by name
// on a tie, as they come).
func sortByCount(tables []string, counts []int) {
	idx := make([]int, len(tables))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return counts[b] - counts[a] })
	t, c := slices.Clone(tables), slices.Clone(counts)
	for i, j := range idx {
		tables[i], counts[i] = t[j], c[j]
	}
}

func distinct(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// mostOf is the key with the most facts, the first by name on a tie.
func mostOf(m map[string][]ComplaintFact) string {
	best := ""
	for k, v := range m {
		if best == "" || len(v) > len(m[best]) || len(v) == len(m[best]) && k < best {
			best = k
		}
	}
	return best
}

// mostOfCount is the key with the highest count, the first by name on a tie.
func mostOfCount(m map[string]int) string {
	best := ""
	for _, k := range sortedKeys(m) {
		if best == "" || m[k] > m[best] {
			best = k
		}
	}
	return best
}
