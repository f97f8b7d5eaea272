package store

import (
	"math"
	"strconv"
)

// Range is an estimate with its uncertainty: Low ≤ Central ≤ High.
type Range struct {
	Low, Central, High float64
}

// DefaultVoiceRate is the share of unhappy guests who complain to a manager:
// 4% central, within 1%–5% (TARP for the White House Office of Consumer
// Affairs; for problems reaching a manager or head office).
var DefaultVoiceRate = Range{Low: 0.01, Central: 0.04, High: 0.05}

// EstimateInput is what the silent-dissatisfaction estimate is made from, for
// one period.
type EstimateInput struct {
	Voiced    int   // complaints voiced: alerts plus complaints logged in person, each once
	Responses int   // survey responses
	Unhappy   int   // responses rated 1 or 2
	Covers    int   // guests served; 0 when nobody entered them
	VoiceRate Range // the restaurant's assumption; DefaultVoiceRate unless set
}

// Estimate is the silent-dissatisfaction panel: two estimates side by side,
// each with its range and assumptions, and what unhappy guests tell others.
type Estimate struct {
	Voiced    int
	VoiceRate Range // the voice rate assumed
	// From the voice rate: unhappy guests D = V / p, and those who said
	// nothing, D − V. With no voiced complaint these are zero, and ZeroUpper
	// says how many unhappy guests silence is still consistent with.
	VoiceUnhappy Range
	VoiceSilent  Range
	ZeroUpper    Range
	// From the survey: the share rated 1–2 (Wilson 95% interval) times covers.
	// HasSample is false without responses or without covers.
	HasSample     bool
	UnhappyShare  Range
	SampleUnhappy Range
	// The restaurant's own voice rate, V / D from the sample, where both exist.
	HasObserved   bool
	ObservedVoice Range
	// Word of mouth: people told by the unhappy guests (8–10 each), and how
	// many unhappy guests tell 20 or more (13%). Pre-social-media figures.
	WordOfMouth Range
	TellTwenty  Range
	Assumptions []string
	Sources     []string
}

// wilson95 is the Wilson score interval for k successes in n trials, at 95%.
// It stays inside [0, 1] and behaves with small samples and with k = 0 or n.
func wilson95(k, n int) Range {
	if n <= 0 {
		return Range{}
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	denom := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / denom
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / denom
	return Range{Low: math.Max(0, centre-half), Central: p, High: math.Min(1, centre+half)}
}

// Estimator sources, as the page cites them.
var estimateSources = []string{
	"TARP Worldwide for the White House Office of Consumer Affairs, studies of 1976–1999: about half of unhappy customers complain to the front line, 1–5% to a manager or head office; for quality problems 5–30% say anything.",
	"John Goodman, “Basic facts on customer complaint behavior and the impact of service on the bottom line”, ASQ Quality Progress, November 2005 — correcting the bare “4%”.",
	"Tom Peters, Thriving on Chaos (1987), quoting TARP: an unhappy customer tells 8–10 people; 13% tell 20 or more.",
}

// EstimateSilent makes both estimates from one period's figures. It is a pure
// function; the summary page shows its result as it is.
func EstimateSilent(in EstimateInput) Estimate {
	p := in.VoiceRate
	if p.Low <= 0 || p.High <= 0 || p.Central <= 0 {
		p = DefaultVoiceRate
	}
	e := Estimate{Voiced: in.Voiced, VoiceRate: p, Sources: estimateSources}
	v := float64(in.Voiced)
	// A higher voice rate means fewer silent guests behind each complaint.
	e.VoiceUnhappy = Range{Low: v / p.High, Central: v / p.Central, High: v / p.Low}
	e.VoiceSilent = Range{Low: e.VoiceUnhappy.Low - v, Central: e.VoiceUnhappy.Central - v, High: e.VoiceUnhappy.High - v}
	e.Assumptions = append(e.Assumptions, pct(p.Low)+"–"+pct(p.High)+" of unhappy guests complain to a manager ("+pct(p.Central)+" central); each complaint is one unhappy guest.")
	if in.Voiced == 0 {
		// No complaint is still evidence: if D guests were unhappy, seeing none
		// has probability about e^(−pD), under 5% once pD > 3 (the rule of three).
		e.ZeroUpper = Range{Low: 3 / p.High, Central: 3 / p.Central, High: 3 / p.Low}
		e.Assumptions = append(e.Assumptions, "No complaints is not the same as no unhappy guests: none voiced is still consistent with up to 3 ÷ the voice rate of them (95%).")
	}
	if in.Responses > 0 && in.Covers > 0 {
		e.HasSample = true
		e.UnhappyShare = wilson95(in.Unhappy, in.Responses)
		c := float64(in.Covers)
		e.SampleUnhappy = Range{Low: e.UnhappyShare.Low * c, Central: e.UnhappyShare.Central * c, High: e.UnhappyShare.High * c}
		e.Assumptions = append(e.Assumptions, "Guests who answered the survey are like those who did not; a rating of 1 or 2 means unhappy.")
		if in.Voiced > 0 && e.SampleUnhappy.Central > 0 {
			e.HasObserved = true
			e.ObservedVoice = Range{Low: math.Min(1, v/e.SampleUnhappy.High), Central: math.Min(1, v/e.SampleUnhappy.Central)}
			e.ObservedVoice.High = 1
			if e.SampleUnhappy.Low > 0 {
				e.ObservedVoice.High = math.Min(1, v/e.SampleUnhappy.Low)
			}
		}
	}
	// Word of mouth from the widest honest count of unhappy guests.
	d := e.VoiceUnhappy
	if e.HasSample && (in.Voiced == 0 || e.SampleUnhappy.High > d.High) {
		d = e.SampleUnhappy
	}
	e.WordOfMouth = Range{Low: d.Low * 8, Central: d.Central * 9, High: d.High * 10}
	e.TellTwenty = Range{Low: d.Low * 0.13, Central: d.Central * 0.13, High: d.High * 0.13}
	e.Assumptions = append(e.Assumptions, "Each unhappy guest tells 8–10 people and 13% tell 20 or more: figures from before social media, where one post can reach far more.")
	return e
}

// pct writes a share as a percentage with at most one decimal: 0.04 is "4%".
func pct(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
}
