package store

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// WeekStats is what one week looked like in one restaurant, or in several
// restaurants added together (each in its own time zone's week).
type WeekStats struct {
	Week      string // YYYY-Www
	Responses int
	// Rated are the responses with a rating; the others only asked for
	// someone from the table.
	Rated     int
	Ratings   [5]int // responses rated 1 to 5
	ratingSum int
	AtTable   int // responses sent while the diner was still at the table
	// Covers are the guests served on the CoverDays days that have a count.
	Covers, CoverDays int
	Complaints        []TagCount // complaint tags, survey and in person, most first
	Praise            []TagCount // praise tags, most first
	// Complained counts the week's complaints, as Tableside defines them
	// everywhere (IsComplaint): drawn out by the survey, or unprompted.
	Complained ComplaintCount
	// Voiced are the complaint alerts (every alert, from the survey or told
	// in person, but requests), which the floor handled; InPerson those told
	// in person.
	Voiced, InPerson int
	// Requests are alerts raised only because a diner asked for someone
	// (ReasonAsked): not complaints, so not in Voiced.
	Requests int
	// Escalated, Acknowledged and the times to acknowledge count every alert,
	// requests too: they measure how fast the floor answers a call.
	Escalated int
	// OwnersTold are the complaints (not requests) whose escalation reached
	// the owners: with those sent from the survey away from the table, what
	// reached the owner rather than the floor (Office).
	OwnersTold             int
	Acknowledged, Resolved int
	ackTimes               []time.Duration
	// ResolvedPresent counts alerts resolved while the guest was still there:
	// any outcome but "guest had left" and "follow-up".
	ResolvedPresent int
	Comps           []Comps // by currency
	Wow             []Comment
	// ComplaintQuotes are the week's newest complaints with a comment.
	ComplaintQuotes []Comment
	StaffNamed      []TagCount // Key is the name
	// Languages count the responses by the language the diner wrote in
	// (Key, a tag of DinerLanguages), most first.
	Languages []TagCount
}

// ComplaintDefinition is Tableside's one definition of a complaint, which
// every figure, chart and export uses, as the summary quotes it.
const ComplaintDefinition = "A complaint is a survey answer rated 1 or 2 or ticking something that went wrong, or a complaint told to staff in person. It is unprompted when the guest raised it while still there (they asked for someone from the table, or told staff in person); the others the survey drew out."

// IsComplaint reports whether a survey answer is a complaint: rated 1 or 2,
// or ticking a complaint (ComplaintDefinition). A guest who gave no rating
// (0) and ticked none only asked for someone.
func IsComplaint(rating int, tagKeys []string) bool {
	return rating >= 1 && rating <= 2 || slices.ContainsFunc(tagKeys, func(k string) bool { t, ok := tagByKey[k]; return ok && t.Kind == Complaint })
}

// complaintSQL is IsComplaint in SQL, over a responses row (in the SQL
// both engines speak).
var complaintSQL = func() string {
	var b strings.Builder
	b.WriteString("(coalesce(rating, 0) BETWEEN 1 AND 2")
	for _, t := range Tags(Complaint) {
		b.WriteString(" OR ' ' || tags || ' ' LIKE '% " + t.Key + " %'")
	}
	return b.String() + ")"
}()

// ComplaintCount is a period's complaints: those the survey drew out, and
// those raised unprompted.
type ComplaintCount struct {
	Survey, Unprompted int
}

// Office are the complaints that reached the owner rather than the floor:
// sent from the survey away from the table, or escalated to the owners
// (the four-percent rule's context, EstimateInput.Office).
func (s WeekStats) Office() int { return s.Complained.Survey + s.OwnersTold }

// Total is every complaint, each once.
func (c ComplaintCount) Total() int { return c.Survey + c.Unprompted }

// TagCount is how often one tag (or name) came up.
type TagCount struct {
	Key, Label string
	Count      int
}

// Comps are the amounts given back in one currency: comped items and bills,
// and discounts.
type Comps struct {
	Count int
	Total Money
}

// Comment is a guest's comment with where and when it was made.
type Comment struct {
	At         time.Time
	Restaurant string
	Table      string
	Rating     int
	Text       string
	Guest      string
	Tags       []string
}

// Average is the mean rating, and false without rated responses.
func (s WeekStats) Average() (float64, bool) {
	if s.Rated == 0 {
		return 0, false
	}
	return float64(s.ratingSum) / float64(s.Rated), true
}

// Unhappy is the number of responses rated 1 or 2.
func (s WeekStats) Unhappy() int { return s.Ratings[0] + s.Ratings[1] }

// HappyShare is the share of rated responses rated 4 or 5, and false
// without any.
func (s WeekStats) HappyShare() (float64, bool) {
	if s.Rated == 0 {
		return 0, false
	}
	return float64(s.Ratings[3]+s.Ratings[4]) / float64(s.Rated), true
}

// ResponseRate is responses per guest served, and false without covers.
func (s WeekStats) ResponseRate() (float64, bool) {
	if s.Covers == 0 {
		return 0, false
	}
	return float64(s.Responses) / float64(s.Covers), true
}

// AckTimes is the median and 90th percentile of the time to acknowledge,
// and false when no alert was acknowledged.
func (s WeekStats) AckTimes() (median, p90 time.Duration, ok bool) {
	if len(s.ackTimes) == 0 {
		return 0, 0, false
	}
	return Quantile(s.ackTimes, 0.5), Quantile(s.ackTimes, 0.9), true
}

// PresentShare is the share of voiced complaints resolved while the guest was
// still there, and false without any.
func (s WeekStats) PresentShare() (float64, bool) {
	if s.Voiced == 0 {
		return 0, false
	}
	return float64(s.ResolvedPresent) / float64(s.Voiced), true
}

// Quantile is the nearest-rank quantile q (0 < q ≤ 1) of ds, which it sorts:
// the smallest value with at least q of them at or below it. The one quantile
// of Tableside, for the summary and the load tools alike.
func Quantile(ds []time.Duration, q float64) time.Duration {
	slices.Sort(ds)
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(0, min(i, len(ds)-1))]
}

// add adds o's figures to s.
func (s *WeekStats) add(o WeekStats) {
	s.Responses += o.Responses
	s.Rated += o.Rated
	for i := range s.Ratings {
		s.Ratings[i] += o.Ratings[i]
	}
	s.ratingSum += o.ratingSum
	s.AtTable += o.AtTable
	s.Covers += o.Covers
	s.CoverDays += o.CoverDays
	s.Complaints = addCounts(s.Complaints, o.Complaints)
	s.Praise = addCounts(s.Praise, o.Praise)
	s.StaffNamed = addCounts(s.StaffNamed, o.StaffNamed)
	s.Languages = addCounts(s.Languages, o.Languages)
	s.Voiced += o.Voiced
	s.Complained.Survey += o.Complained.Survey
	s.Complained.Unprompted += o.Complained.Unprompted
	s.InPerson += o.InPerson
	s.Requests += o.Requests
	s.Escalated += o.Escalated
	s.OwnersTold += o.OwnersTold
	s.Acknowledged += o.Acknowledged
	s.Resolved += o.Resolved
	s.ResolvedPresent += o.ResolvedPresent
	s.ackTimes = append(s.ackTimes, o.ackTimes...)
	for _, c := range o.Comps {
		s.Comps = addComps(s.Comps, c)
	}
	s.Wow = append(s.Wow, o.Wow...)
	slices.SortStableFunc(s.Wow, func(a, b Comment) int { return b.At.Compare(a.At) })
	s.Wow = s.Wow[:min(len(s.Wow), maxWow)]
	s.ComplaintQuotes = append(s.ComplaintQuotes, o.ComplaintQuotes...)
	slices.SortStableFunc(s.ComplaintQuotes, func(a, b Comment) int { return b.At.Compare(a.At) })
	s.ComplaintQuotes = s.ComplaintQuotes[:min(len(s.ComplaintQuotes), maxWow)]
}

func addCounts(to, from []TagCount) []TagCount {
	for _, f := range from {
		i := slices.IndexFunc(to, func(t TagCount) bool { return t.Key == f.Key })
		if i < 0 {
			to = append(to, f)
		} else {
			to[i].Count += f.Count
		}
	}
	sortCounts(to)
	return to
}

func sortCounts(cs []TagCount) {
	slices.SortStableFunc(cs, func(a, b TagCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
}

func addComps(to []Comps, c Comps) []Comps {
	for i := range to {
		if to[i].Total.Currency == c.Total.Currency {
			to[i].Count += c.Count
			to[i].Total.Minor += c.Total.Minor
			return to
		}
	}
	return append(to, c)
}

// TrendPoint is one week of the trend chart.
type TrendPoint struct {
	Week       string
	Responses  int
	Rated      int // responses with a rating
	ratingSum  int
	Unhappy    int // responses rated 1 or 2
	Complained ComplaintCount
	Covers     int
}

// sample is the week as the voice rate learns from it.
func (p TrendPoint) sample() WeekSample {
	return WeekSample{Unprompted: p.Complained.Unprompted, Responses: p.Rated, Unhappy: p.Unhappy, Covers: p.Covers}
}

// Average is the week's mean rating, and false without rated responses.
func (p TrendPoint) Average() (float64, bool) {
	if p.Rated == 0 {
		return 0, false
	}
	return float64(p.ratingSum) / float64(p.Rated), true
}

// ResponseRate is the week's responses per guest served, and false without
// covers.
func (p TrendPoint) ResponseRate() (float64, bool) {
	if p.Covers == 0 {
		return 0, false
	}
	return float64(p.Responses) / float64(p.Covers), true
}

// responseGroup is the responses of a week that share a rating, an
// at-the-table answer and a set of tags: what the summary's query returns.
type responseGroup struct {
	Rating   int // 0: none given
	AtTable  bool
	Tags     []string
	Language string
	N        int
}

// alertRow is one alert of a week as the summary counts it.
type alertRow struct {
	InPerson, Request, Escalated, Resolved bool
	Acknowledged                           bool
	Step                                   int // how far it escalated (EscalationRung)
	AckAfter                               time.Duration
	Tags                                   []string // told in person
	Outcome                                string
	AmountMinor                            int64
	Currency                               string
}

// tally adds up a week from its response groups and its alerts. It is pure:
// the SQL that gathers them is in summary.go.
//
//	Complained = responses that are complaints (IsComplaint): Unprompted
//	             when sent at the table, else Survey; + complaints told in
//	             person (Unprompted)
//	Voiced     = alerts that are not requests ("asked for someone")
//	Requests   = alerts that are
//	ResolvedPresent = resolved complaints whose outcome is neither
//	             "guest had left" nor "follow-up"
//	Complaints = complaint tags of responses (×N) + tags told in person
func tally(week string, groups []responseGroup, alerts []alertRow) WeekStats {
	s := WeekStats{Week: week}
	tagCounts := make([]int, len(tags))
	count := func(keys []string, n int) {
		for _, k := range keys {
			if i := slices.IndexFunc(tags, func(t Tag) bool { return t.Key == k }); i >= 0 {
				tagCounts[i] += n
			}
		}
	}
	for _, g := range groups {
		s.Responses += g.N
		if g.Rating > 0 {
			s.Rated += g.N
			s.Ratings[g.Rating-1] += g.N
			s.ratingSum += g.Rating * g.N
		}
		if g.AtTable {
			s.AtTable += g.N
		}
		count(g.Tags, g.N)
		if IsComplaint(g.Rating, g.Tags) {
			if g.AtTable {
				s.Complained.Unprompted += g.N
			} else {
				s.Complained.Survey += g.N
			}
		}
		s.Languages = addCounts(s.Languages, []TagCount{{Key: cmp.Or(g.Language, "en"), Count: g.N}})
	}
	for _, a := range alerts {
		if a.Request {
			s.Requests++
		} else {
			s.Voiced++
		}
		if a.InPerson {
			s.InPerson++
			count(a.Tags, 1)
			if !a.Request {
				s.Complained.Unprompted++
			}
		}
		if a.Escalated {
			s.Escalated++
			if !a.Request && EscalationRung(a.Step).Audience >= AudienceOwners {
				s.OwnersTold++
			}
		}
		if a.Acknowledged {
			s.Acknowledged++
			s.ackTimes = append(s.ackTimes, a.AckAfter)
		}
		if a.Resolved {
			s.Resolved++
			if !a.Request && OutcomeGuestPresent(a.Outcome) {
				s.ResolvedPresent++
			}
		}
		if OutcomeNeedsAmount(a.Outcome) {
			s.Comps = addComps(s.Comps, Comps{Count: 1, Total: Money{Minor: a.AmountMinor, Currency: a.Currency}})
		}
	}
	for i, t := range tags {
		if tagCounts[i] == 0 {
			continue
		}
		c := TagCount{Key: t.Key, Label: t.Label, Count: tagCounts[i]}
		if t.Kind == Complaint {
			s.Complaints = append(s.Complaints, c)
		} else {
			s.Praise = append(s.Praise, c)
		}
	}
	sortCounts(s.Complaints)
	sortCounts(s.Praise)
	return s
}
