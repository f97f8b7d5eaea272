package store

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func nearRange(r Range, low, central, high float64) bool {
	return near(r.Low, low) && near(r.Central, central) && near(r.High, high)
}

// estimateCases are weeks the estimator must get right, each with what it
// should say; the invariants are checked on every one.
var estimateCases = []struct {
	name  string
	in    EstimateInput
	basis string
	want  Range // the headline, rounded as the page rounds it (0: not checked)
}{
	{"quiet week: no complaint, no survey", EstimateInput{Covers: 0}, "silence", Range{0, 17, 75}},
	{"quiet week with guests served", EstimateInput{Covers: 300}, "silence", Range{0, 17, 75}},
	{"quiet week, tiny", EstimateInput{Covers: 40}, "silence", Range{0, 17, 40}},
	// 10 of 100 rated 1–2, 1,000 served: Wilson 95% 5.5%–17.4%.
	{"normal week", EstimateInput{Unprompted: 4, SurveyComplaints: 9, Responses: 100, Unhappy: 10, Covers: 1000}, "survey", Range{55, 100, 175}},
	// 60 of 200 rated 1–2, 811 served: Wilson 24.1%–36.7% of 811.
	{"bad week", EstimateInput{Unprompted: 25, SurveyComplaints: 50, Responses: 200, Unhappy: 60, Covers: 811}, "survey", Range{195, 243, 298}},
	// Complaints only: 4 ÷ (1%–5%), 4% central, within the 120 served.
	{"complaints, no survey", EstimateInput{Unprompted: 4}, "complaints", Range{80, 100, 400}},
	{"complaints, capped by covers", EstimateInput{Unprompted: 4, Covers: 120}, "complaints", Range{80, 100, 120}},
	// The old bug: 10 voiced at 4% said 250 (200–1,000) for a week of 811.
	{"many complaints, few guests", EstimateInput{Unprompted: 10, Covers: 811}, "complaints", Range{200, 250, 811}},
	// More complaints heard than the survey's estimate: never below them.
	{"floor", EstimateInput{Unprompted: 30, SurveyComplaints: 20, Responses: 400, Unhappy: 4, Covers: 1000}, "survey", Range{50, 50, 50}},
	// Guests served entered for a day only, fewer than the complaints heard.
	{"covers below the floor", EstimateInput{Unprompted: 12, Covers: 5}, "complaints", Range{240, 300, 1200}},
	{"all unhappy", EstimateInput{Responses: 4, Unhappy: 4, Covers: 10}, "survey", Range{5, 10, 10}},
	{"a custom rate", EstimateInput{Unprompted: 10, VoiceRate: Range{Low: 0.05, Central: 0.1, High: 0.3}}, "complaints", Range{33, 100, 200}},
}

// TestEstimateInvariants: on every case, the headline is ordered, never
// above the guests served (when known and not below the floor), never below
// the complaints heard, never zero from silence, and matches the case.
func TestEstimateInvariants(t *testing.T) {
	var table strings.Builder
	fmt.Fprintf(&table, "%-36s %10s %10s %9s %9s %7s → %-10s %s\n", "case", "unprompted", "by survey", "answers", "rated 1–2", "covers", "basis", "low / likely / high")
	for _, c := range estimateCases {
		e := EstimateSilent(c.in)
		u := e.Unhappy
		fmt.Fprintf(&table, "%-36s %10d %10d %9d %9d %7d → %-10s %.0f / %.0f / %.0f\n", c.name, c.in.Unprompted, c.in.SurveyComplaints,
			c.in.Responses, c.in.Unhappy, c.in.Covers, e.Basis, math.Floor(u.Low), math.Round(u.Central), math.Ceil(u.High))
		if !(u.Low <= u.Central && u.Central <= u.High) {
			t.Errorf("%s: not ordered: %+v", c.name, u)
		}
		floor := float64(c.in.Unprompted + c.in.SurveyComplaints)
		if c.in.Covers > 0 && float64(c.in.Covers) >= floor && u.High > float64(c.in.Covers) {
			t.Errorf("%s: %v unhappy of %d served", c.name, u.High, c.in.Covers)
		}
		if u.Low < floor {
			t.Errorf("%s: %v unhappy, below the %v complaints heard", c.name, u.Low, floor)
		}
		if u.High <= 0 {
			t.Errorf("%s: zero unhappy guests: silence read as all good", c.name)
		}
		if e.Basis != c.basis {
			t.Errorf("%s: basis %s, want %s", c.name, e.Basis, c.basis)
		}
		if got := (Range{math.Floor(u.Low), math.Round(u.Central), math.Ceil(u.High)}); c.want != (Range{}) && got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	t.Logf("the estimator's cases:\n%s", table.String())
}

// TestSurveyComplaintsAreNotVoiced: complaints the survey drew out raise the
// floor and feed the sample estimate, never the voice-rate one.
func TestSurveyComplaintsAreNotVoiced(t *testing.T) {
	e := EstimateSilent(EstimateInput{SurveyComplaints: 40})
	if e.VoiceUnhappy != (Range{}) || e.Unprompted != 0 || e.Basis != "silence" || e.Unhappy.Low != 40 {
		t.Fatalf("40 survey complaints: %+v", e)
	}
	with := EstimateSilent(EstimateInput{Unprompted: 2, SurveyComplaints: 40})
	if !nearRange(with.VoiceUnhappy, 40, 50, 200) {
		t.Fatalf("2 unprompted and 40 drawn out scale to %+v, want 2 ÷ the rate", with.VoiceUnhappy)
	}
}

// TestVoiceRateLearns: the assumed 4% holds until the restaurant has two
// weeks with both guests served and survey answers; then its own weeks move
// it (here about 10% of unhappy guests spoke up), and the estimate says so.
func TestVoiceRateLearns(t *testing.T) {
	week := WeekSample{Unprompted: 10, Responses: 100, Unhappy: 10, Covers: 1000} // 100 unhappy, 10 spoke
	e := EstimateSilent(EstimateInput{Unprompted: 5, History: []WeekSample{week, {Unprompted: 3, Covers: 500}}})
	if e.Voice.Own || e.Voice.Weeks != 1 || e.Voice.Rate != DefaultVoiceRate {
		t.Fatalf("one usable week: %+v", e.Voice)
	}
	e = EstimateSilent(EstimateInput{Unprompted: 5, History: []WeekSample{week, week, week, week}})
	r := e.Voice.Rate
	if !e.Voice.Own || e.Voice.Weeks != 4 || !(r.Low < r.Central && r.Central < r.High) || r.Central < 0.08 || r.Central > 0.1 {
		t.Fatalf("four weeks at 10%%: %+v", e.Voice)
	}
	// Prior Beta(4, 96) + 4 × (10, 90): Beta(44, 456), mean 8.8%.
	if !near(r.Central*100, 8.8) || !(r.Low > 0.06 && r.High < 0.12) {
		t.Fatalf("posterior %+v", r)
	}
	if e.VoiceUnhappy.Central > 60 || e.VoiceUnhappy.Central < 55 {
		t.Fatalf("5 complaints at 8.8%%: %+v", e.VoiceUnhappy)
	}
}

// TestBetaQuantile checks the incomplete beta function against known
// values: Beta(1, 1) is uniform, Beta(2, 2)'s median is ½, and Beta(1, b)
// has the closed form 1 − (1 − q)^(1/b).
func TestBetaQuantile(t *testing.T) {
	for _, c := range []struct{ q, a, b, want float64 }{
		{0.05, 1, 1, 0.05}, {0.95, 1, 1, 0.95}, {0.5, 2, 2, 0.5},
		{0.05, 1, 20, 1 - math.Pow(0.95, 1.0/20)}, {0.95, 1, 20, 1 - math.Pow(0.05, 1.0/20)},
	} {
		if got := betaQuantile(c.q, c.a, c.b); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("Beta(%v, %v) quantile %v = %v, want %v", c.a, c.b, c.q, got, c.want)
		}
	}
}

// TestSourcesAreTheVerifiedOnes: the page cites the 1979 study and the
// figures the product's design verified (TARP 1979, its 2005 correction,
// Peters 1987), and nothing that could not be verified.
func TestSourcesAreTheVerifiedOnes(t *testing.T) {
	all := strings.Join(EstimateSources, " ")
	for _, want := range []string{"1979", "69%", "82–95%", "9–37%", "before social media"} {
		if !strings.Contains(all, want) {
			t.Errorf("the sources lack %q", want)
		}
	}
	for _, not := range []string{"2005", "Goodman", "Quality Progress"} {
		if strings.Contains(all, not) {
			t.Errorf("the sources cite %q, which could not be verified", not)
		}
	}
}

func TestWilson(t *testing.T) {
	if r := wilson95(10, 100); !nearRange(r, 0.0552, 0.10, 0.1744) {
		t.Fatalf("10 of 100: %+v", r)
	}
	if r := wilson95(1, 3); !nearRange(r, 0.0615, 0.3333, 0.7923) {
		t.Fatalf("1 of 3: %+v", r)
	}
	if r := wilson95(0, 5); r.Low != 0 || r.Central != 0 || !near(r.High, 0.4345) {
		t.Fatalf("0 of 5: %+v", r)
	}
	if r := wilson95(4, 4); r.High != 1 || r.Central != 1 {
		t.Fatalf("4 of 4: %+v", r)
	}
}
