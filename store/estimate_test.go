package store

import (
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func nearRange(r Range, low, central, high float64) bool {
	return near(r.Low, low) && near(r.Central, central) && near(r.High, high)
}

func TestEstimateVoiceRate(t *testing.T) {
	// 4 complaints at 1%–5% (4% central): 80–400 unhappy guests (100 central),
	// of whom 76–396 said nothing.
	e := EstimateSilent(EstimateInput{Voiced: 4})
	if !nearRange(e.VoiceUnhappy, 80, 100, 400) || !nearRange(e.VoiceSilent, 76, 96, 396) {
		t.Fatalf("unhappy %+v, silent %+v", e.VoiceUnhappy, e.VoiceSilent)
	}
	if e.HasSample || e.HasObserved {
		t.Fatal("a sample estimate with no responses and no covers")
	}
	if !nearRange(e.WordOfMouth, 640, 900, 4000) || !nearRange(e.TellTwenty, 10.4, 13, 52) {
		t.Fatalf("word of mouth %+v, twenty+ %+v", e.WordOfMouth, e.TellTwenty)
	}
	// A restaurant's own range.
	e = EstimateSilent(EstimateInput{Voiced: 10, VoiceRate: Range{Low: 0.05, Central: 0.1, High: 0.3}})
	if !nearRange(e.VoiceUnhappy, 33.33, 100, 200) {
		t.Fatalf("custom range: %+v", e.VoiceUnhappy)
	}
}

func TestEstimateZeroComplaintsIsNotAllGood(t *testing.T) {
	e := EstimateSilent(EstimateInput{Voiced: 0})
	if e.VoiceUnhappy != (Range{}) {
		t.Fatalf("unhappy from zero complaints: %+v", e.VoiceUnhappy)
	}
	// Silence is consistent with up to 3/p unhappy guests: 60–300, 75 central.
	if !nearRange(e.ZeroUpper, 60, 75, 300) {
		t.Fatalf("upper bound %+v", e.ZeroUpper)
	}
	if !strings.Contains(strings.Join(e.Assumptions, " "), "No complaints is not the same as no unhappy guests") {
		t.Fatal("zero complaints comes without its warning")
	}
	// With a survey, the sample still finds the unhappy guests nobody voiced.
	e = EstimateSilent(EstimateInput{Voiced: 0, Responses: 50, Unhappy: 5, Covers: 600})
	if !e.HasSample || e.SampleUnhappy.Central != 60 || e.HasObserved || e.WordOfMouth.Central != 540 {
		t.Fatalf("zero complaints with a survey: %+v", e)
	}
}

func TestEstimateSample(t *testing.T) {
	// 10 of 100 responses rated 1–2, 1,000 covers: Wilson 95% gives 5.5%–17.4%,
	// so 55–174 unhappy guests, 100 central.
	e := EstimateSilent(EstimateInput{Voiced: 4, Responses: 100, Unhappy: 10, Covers: 1000})
	if !e.HasSample || !nearRange(e.UnhappyShare, 0.0552, 0.10, 0.1744) || !nearRange(e.SampleUnhappy, 55.22, 100, 174.37) {
		t.Fatalf("share %+v, unhappy %+v", e.UnhappyShare, e.SampleUnhappy)
	}
	// The restaurant's own voice rate: 4 of 55–174, 4% central.
	if !e.HasObserved || !nearRange(e.ObservedVoice, 0.0229, 0.04, 0.0724) {
		t.Fatalf("observed voice rate %+v", e.ObservedVoice)
	}
	if !strings.Contains(strings.Join(e.Assumptions, " "), "like those who did not") {
		t.Fatal("the sample's assumption is not stated")
	}
}

func TestEstimateSmallAndEmptySamples(t *testing.T) {
	// 1 of 3: the interval is wide, and says so.
	e := EstimateSilent(EstimateInput{Voiced: 1, Responses: 3, Unhappy: 1, Covers: 90})
	if !nearRange(e.UnhappyShare, 0.0615, 0.3333, 0.7923) {
		t.Fatalf("1 of 3: %+v", e.UnhappyShare)
	}
	// None of 5 unhappy still leaves room for some.
	e = EstimateSilent(EstimateInput{Responses: 5, Unhappy: 0, Covers: 200})
	if e.UnhappyShare.Low != 0 || e.UnhappyShare.Central != 0 || !near(e.UnhappyShare.High, 0.4345) {
		t.Fatalf("0 of 5: %+v", e.UnhappyShare)
	}
	// All unhappy.
	if e := EstimateSilent(EstimateInput{Responses: 4, Unhappy: 4, Covers: 10}); e.UnhappyShare.High != 1 || e.UnhappyShare.Central != 1 {
		t.Fatalf("4 of 4: %+v", e.UnhappyShare)
	}
	// No responses, or no covers: no sample estimate, and no division by zero.
	for _, in := range []EstimateInput{{Voiced: 2, Covers: 500}, {Voiced: 2, Responses: 40, Unhappy: 3}} {
		e := EstimateSilent(in)
		if e.HasSample || e.HasObserved || math.IsNaN(e.VoiceUnhappy.Central) || math.IsInf(e.WordOfMouth.High, 0) {
			t.Fatalf("%+v gave %+v", in, e)
		}
	}
}
