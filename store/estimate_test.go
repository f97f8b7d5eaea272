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
	{"no data: nothing entered, nothing heard", EstimateInput{Covers: 0}, "none", Range{}},
	// Nothing heard from 300 guests, each unhappy one speaking up with p ≈ ½:
	// ln 2 / ½ ≈ 1.4, and 3 / ¼ = 12 at most (the rule of three, at the
	// lowest voice rate).
	{"quiet week with guests served", EstimateInput{Covers: 300}, "silence", Range{0, 1, 12}},
	{"quiet week, tiny", EstimateInput{Covers: 4}, "silence", Range{0, 1, 4}},
	// 10 of 100 rated 1–2, 1,000 served: Wilson 95% 5.5%–17.4%.
	{"normal week", EstimateInput{Unprompted: 4, SurveyComplaints: 9, Responses: 100, Unhappy: 10, Covers: 1000}, "survey", Range{55, 100, 175}},
	// 60 of 200 rated 1–2, 811 served: Wilson 24.1%–36.7% of 811.
	{"bad week", EstimateInput{Unprompted: 25, SurveyComplaints: 50, Responses: 200, Unhappy: 60, Covers: 811}, "survey", Range{195, 243, 298}},
	// Frontline complaints only: 4 ÷ ½ central; the bounds take the count's
	// own chance (Poisson, 95%: 1.37–9.15 for 4) over the rate's 75%–25%.
	{"complaints, no survey", EstimateInput{Unprompted: 4}, "complaints", Range{4, 8, 37}},
	{"complaints, capped by covers", EstimateInput{Unprompted: 4, Covers: 10}, "complaints", Range{4, 8, 10}},
	// Only frontline complaints in a week of 420: 6 ÷ ½ = 12, not 6 ÷ 4% = 150.
	{"only frontline complaints", EstimateInput{Unprompted: 6, Covers: 420}, "complaints", Range{6, 12, 48}},
	// v1 said 250 (200–1,000) and v2 250 (200–811) for 10 voiced of 811:
	// the four-percent rule applied to the front line.
	{"many complaints, few guests", EstimateInput{Unprompted: 10, Covers: 811}, "complaints", Range{10, 20, 68}},
	// More complaints heard than the survey's estimate: never below them.
	{"floor", EstimateInput{Unprompted: 30, SurveyComplaints: 20, Responses: 400, Unhappy: 4, Covers: 1000}, "survey", Range{50, 50, 50}},
	// Guests served entered for a day only, fewer than the complaints heard.
	{"covers below the floor", EstimateInput{Unprompted: 12, Covers: 5}, "complaints", Range{12, 24, 78}},
	{"all unhappy", EstimateInput{Responses: 4, Unhappy: 4, Covers: 10}, "survey", Range{5, 10, 10}},
	{"a custom rate", EstimateInput{Unprompted: 10, VoiceRate: Range{Low: 0.05, Central: 0.1, High: 0.3}}, "complaints", Range{18, 100, 340}},
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
		if u.High <= 0 && !e.NoData() {
			t.Errorf("%s: zero unhappy guests: silence read as all good", c.name)
		}
		if e.NoData() != (c.in.Covers == 0 && c.in.Responses == 0 && floor == 0) {
			t.Errorf("%s: no data %v", c.name, e.NoData())
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
	if e.Unprompted != 0 || e.Basis != "silence" || e.Unhappy != (Range{Low: 40, Central: 40, High: 40}) {
		t.Fatalf("40 survey complaints: %+v", e)
	}
	with := EstimateSilent(EstimateInput{Unprompted: 2, SurveyComplaints: 40})
	if !near(with.VoiceUnhappy.Central, 4) || with.Unhappy.Low != 42 {
		t.Fatalf("2 unprompted and 40 drawn out scale to %+v, want 2 ÷ the rate", with.VoiceUnhappy)
	}
}

// TestVoiceRateLearns: the assumed ½ holds until the restaurant has two
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
	if !e.Voice.Own || e.Voice.Weeks != 4 || !(r.Low < r.Central && r.Central < r.High) || r.Central < 0.1 || r.Central > 0.12 {
		t.Fatalf("four weeks at 10%%: %+v", e.Voice)
	}
	// Prior Beta(5, 5) + 4 × (10, 90): Beta(45, 365), mean 10.98%.
	if !near(r.Central*100, 10.98) || !(r.Low > 0.08 && r.High < 0.14) {
		t.Fatalf("posterior %+v", r)
	}
	if e.VoiceUnhappy.Central > 47 || e.VoiceUnhappy.Central < 44 {
		t.Fatalf("5 complaints at 11%%: %+v", e.VoiceUnhappy)
	}
}

// TestMoreComplaintsNeverLower: hearing one more complaint, frontline or
// drawn out by the survey, never lowers any bound of the estimate.
func TestMoreComplaintsNeverLower(t *testing.T) {
	for _, base := range []EstimateInput{{Covers: 400}, {}, {Covers: 400, Responses: 50, Unhappy: 3}, {Covers: 20}} {
		for _, more := range []func(in *EstimateInput){
			func(in *EstimateInput) { in.Unprompted++ },
			func(in *EstimateInput) { in.SurveyComplaints++ },
		} {
			in, prev := base, EstimateSilent(base).Unhappy
			for range 60 {
				more(&in)
				u := EstimateSilent(in).Unhappy
				if u.Low < prev.Low-1e-9 || u.Central < prev.Central-1e-9 || u.High < prev.High-1e-9 {
					t.Fatalf("%+v: %+v, below %+v with one complaint fewer", in, u, prev)
				}
				prev = u
			}
		}
	}
}

// TestFourPercentIsContext: what reached the owner, over 4%, is reported
// beside the estimate, never as it.
func TestFourPercentIsContext(t *testing.T) {
	e := EstimateSilent(EstimateInput{Unprompted: 6, Office: 2, Covers: 420})
	if e.FourPercent != 50 || e.Basis != "complaints" || !near(e.Unhappy.Central, 12) {
		t.Fatalf("6 at the table, 2 to the owner, 420 served: %+v", e)
	}
	if EstimateSilent(EstimateInput{Unprompted: 6}).FourPercent != 0 {
		t.Fatal("the rule says something from nothing that reached the owner")
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

// TestGammaQuantile checks the exact Poisson bounds against tables: 0
// seen, 95% upper 2.996 (the rule of three); 4 seen, 1.366–9.154; 20 seen,
// 13.25–29.06 (one-sided 95%).
func TestGammaQuantile(t *testing.T) {
	for _, c := range []struct{ q, a, want float64 }{
		{0.95, 1, 2.9957}, {0.05, 4, 1.3663}, {0.95, 5, 9.1535}, {0.05, 20, 13.2547}, {0.95, 21, 29.0620},
	} {
		if got := gammaQuantile(c.q, c.a); math.Abs(got-c.want) > 1e-3 {
			t.Errorf("Γ⁻¹(%v; %v) = %v, want %v", c.q, c.a, got, c.want)
		}
	}
}

// TestSourcesAreTheVerifiedOnes: the page cites the 1979 study and the
// figures the product's design verified (TARP 1979, its 2005 correction,
// Peters 1987), and nothing that could not be verified.
func TestSourcesAreTheVerifiedOnes(t *testing.T) {
	all := strings.Join(EstimateSources, " ")
	for _, want := range []string{"1979", "69%", "82–95%", "9–37%", "before social media", "Quality Progress (November 2005)", "about 50% complain to a frontline person"} {
		if !strings.Contains(all, want) {
			t.Errorf("the sources lack %q", want)
		}
	}
	for _, not := range []string{"Goodman", "White House"} {
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
