package store

import "math"

// Range is an estimate with its uncertainty: Low ≤ Central ≤ High.
type Range struct {
	Low, Central, High float64
}

// DefaultVoiceRate is the share of unhappy guests who say so on the spot,
// to someone at the front line (raised from the table, or told to staff):
// about one in two, taken wide, 25%–75%. TARP's own correction of the
// "4 percent" (ASQ Quality Progress, November 2005, quoting its 1999 work
// for ASQ's Service Quality Division): "96% of consumers with a small
// ticket problem don't complain to a company's headquarters, but 50% do
// complain to the local retailer".
var DefaultVoiceRate = Range{Low: 0.25, Central: 0.5, High: 0.75}

// HeadOfficeRate is the popular "four-percent rule": the share of problems
// that reach a company's head office (TARP 1979; 96% do not). It applies to
// complaints that reached the owner, not to a dining room, and is shown as
// context (Estimate.FourPercent), never as the headline.
const HeadOfficeRate = 0.04

// priorWeight is how many guests' worth of evidence the assumed voice rate
// counts for when the restaurant's own weeks update it (a Beta prior of
// mean p and strength 10: Beta(10p, 10(1−p)), wide: at 50%, 5%–95% is
// 24%–76%).
const priorWeight = 10

// minOwnWeeks is how many of its own weeks a restaurant needs before its
// learned voice rate replaces the assumed one.
const minOwnWeeks = 2

// WeekSample is one earlier week of a restaurant, as the voice rate learns
// from it: only a week with both guests served and survey answers counts.
// Responses are the rated answers, which Unhappy is a share of.
type WeekSample struct {
	Unprompted, Responses, Unhappy, Covers int
}

// EstimateInput is what the estimate of unhappy guests is made from, for
// one restaurant's period.
type EstimateInput struct {
	// Unprompted are the complaints guests raised themselves while there (at
	// the table, or told in person): the ones the voice rate scales up.
	Unprompted int
	// SurveyComplaints are the complaints the survey drew out (not at the
	// table): they are not "voiced" in the research's sense (the guest was
	// asked), so they feed only the sample estimate and the floor.
	SurveyComplaints int
	Responses        int   // survey answers with a rating
	Unhappy          int   // answers rated 1 or 2
	Covers           int   // guests served; 0 when nobody entered them
	VoiceRate        Range // the restaurant's assumption; DefaultVoiceRate unless set
	// History are the restaurant's earlier weeks, from which its own voice
	// rate is learned.
	History []WeekSample
	// Office are the complaints that reached the owner rather than the
	// floor: sent from the survey away from the table, or escalated to the
	// owners. Only the four-percent rule's context reads them.
	Office int
}

// VoiceRate is the voice rate an estimate used: the assumed one, or the
// restaurant's own once Weeks of its own weeks have updated it.
type VoiceRate struct {
	Rate  Range
	Own   bool
	Weeks int
}

// Estimate is how many guests were probably unhappy in a period: one
// headline range, and the two estimates it is reconciled from.
type Estimate struct {
	// Unhappy is the headline: Low ≤ Central ≤ High, never below Floor and
	// never above the guests served (when they are known).
	Unhappy Range
	Floor   int // the complaints known: unprompted and drawn out by the survey
	Covers  int
	// Basis says where the headline comes from: "survey" (answers rated 1–2,
	// applied to the guests served), "complaints" (frontline complaints ÷
	// the voice rate), "silence" (guests served, nothing heard: the rule of
	// three) or "none" (no data: no guests entered, no answers, no
	// complaints), when there is no figure.
	Basis      string
	Unprompted int
	Voice      VoiceRate
	// From the survey: the share rated 1–2 (Wilson 95% interval) times
	// covers. HasSample is false without answers or without covers.
	HasSample     bool
	UnhappyShare  Range
	SampleUnhappy Range
	// From unprompted complaints: D = V / p.
	VoiceUnhappy Range
	// FourPercent is what the popular rule would say from the complaints
	// that reached the owner (Office ÷ 4%): context, labelled as such, and 0
	// when none did.
	Office      int
	FourPercent float64
	Sources     []string
}

// NoData reports whether the period had nothing to estimate from: then
// there is no figure, and a page says "no data yet".
func (e Estimate) NoData() bool { return e.Basis == "none" }

// EstimateSources are the estimate's sources, as the page cites them: only
// what has been checked.
var EstimateSources = []string{
	"TARP for the US Office of Consumer Affairs, Consumer Complaint Handling in America (1979), 2,513 households: 32% had a problem with a purchase; 69% of those told someone about it, mostly the front line; only a few percent of problems reached a manager or head office, the origin of the “4%”.",
	"The same study: of those whose complaint was resolved quickly, 82–95% would buy again; of unhappy customers who said nothing, 9–37%.",
	"TARP's correction, “Misquoted Data Cause Questions, Confusion”, ASQ Quality Progress (November 2005), quoting its June 1999 work for ASQ's Service Quality Division: 96% of consumers with a small-ticket problem don't complain to a company's headquarters, but about 50% complain to a frontline person.",
	"TARP, quoted by Tom Peters, Thriving on Chaos (1987): an unhappy customer tells 8–10 people, 13% tell 20 or more. Figures from before social media.",
}

// EstimateSilent makes the estimate from one period's figures. A pure
// function:
//
//	voice rate p:  Beta(100·p₀ + ΣV, 100·(1−p₀) + Σ(D−V)) over the history's
//	               weeks (D = u·G, u = unhappy ÷ answers, G = covers, V ≤ D);
//	               its mean and 5%–95% quantiles once minOwnWeeks weeks exist,
//	               else the assumed range p₀ (Low, Central, High).
//	complaints:    V ~ Poisson(p·D), so D = λ / p, λ within its exact 95%
//	               bounds for V (the gamma quantiles: λ_L = Γ⁻¹(5%; V),
//	               λ_U = Γ⁻¹(95%; V+1)): (λ_L/p_high, V/p_central, λ_U/p_low);
//	               with V = 0, λ_U ≈ 3 (the rule of three) and the central
//	               figure ln 2 / p, the median when nothing was heard
//	survey:        D = G · Wilson95(unhappy, answers)
//	silence:       V = 0, no survey, guests served: the complaints formula
//	               with V = 0, (0, ln 2/p_central, 3/p_low)
//	headline:      survey if it exists, else complaints if V > 0, else silence
//	               if guests were served, else none (no figure); then
//	               clamped into [Floor, max(Floor, G)].
//	four-percent:  Office ÷ 4%, context only.
//
// V are frontline complaints, so p is a frontline voice rate, about 50%
// (DefaultVoiceRate), not the 4% of complaints reaching head office.
func EstimateSilent(in EstimateInput) Estimate {
	e := Estimate{Unprompted: in.Unprompted, Floor: in.Unprompted + in.SurveyComplaints, Covers: in.Covers,
		Voice: learnVoiceRate(in.VoiceRate, in.History), Sources: EstimateSources, Office: in.Office}
	e.FourPercent = float64(in.Office) / HeadOfficeRate
	p, v := e.Voice.Rate, float64(in.Unprompted)
	e.VoiceUnhappy = voiceUnhappy(in.Unprompted, p)
	if in.Responses > 0 && in.Covers > 0 {
		e.HasSample = true
		e.UnhappyShare = wilson95(in.Unhappy, in.Responses)
		g := float64(in.Covers)
		e.SampleUnhappy = Range{Low: e.UnhappyShare.Low * g, Central: e.UnhappyShare.Central * g, High: e.UnhappyShare.High * g}
	}
	switch {
	case e.HasSample:
		e.Basis, e.Unhappy = "survey", e.SampleUnhappy
	case v > 0:
		e.Basis, e.Unhappy = "complaints", e.VoiceUnhappy
	case in.Covers > 0:
		e.Basis, e.Unhappy = "silence", e.VoiceUnhappy
	case e.Floor > 0: // complaints drawn out by the survey, nobody served on record
		e.Basis, e.Unhappy = "silence", Range{}
	default:
		e.Basis = "none"
		return e
	}
	e.Unhappy = clamp(e.Unhappy, float64(e.Floor), float64(in.Covers))
	return e
}

// voiceUnhappy is the unhappy guests v frontline complaints stand for, at
// voice rate p (see EstimateSilent): more complaints never give less.
func voiceUnhappy(v int, p Range) Range {
	if v == 0 {
		return Range{Low: 0, Central: math.Ln2 / p.Central, High: gammaQuantile(0.95, 1) / p.Low}
	}
	return Range{Low: gammaQuantile(0.05, float64(v)) / p.High, Central: float64(v) / p.Central,
		High: gammaQuantile(0.95, float64(v+1)) / p.Low}
}

// gammaQuantile is the q-quantile of the gamma distribution of shape a and
// scale 1 (Poisson means' exact bounds), by bisection on gammaP.
func gammaQuantile(q, a float64) float64 {
	lo, hi := 0.0, a+20*math.Sqrt(a)+20
	for range 100 {
		mid := (lo + hi) / 2
		if gammaP(a, mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// gammaP is the regularized lower incomplete gamma function P(a, x), by its
// series below a+1 and its continued fraction above (Numerical Recipes,
// 6.2).
func gammaP(a, x float64) float64 {
	if x <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return sum * front
	}
	const tiny = 1e-300
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		if math.Abs(d*c-1) < 1e-15 {
			break
		}
	}
	return 1 - front*h
}

// clamp keeps a range ordered and inside [floor, ceiling]; a ceiling of 0
// (guests served unknown) or below the floor (they were entered for some
// days only) does not cap it.
func clamp(r Range, floor, ceiling float64) Range {
	if ceiling < floor || ceiling <= 0 {
		ceiling = math.Inf(1)
	}
	in := func(x float64) float64 { return math.Min(ceiling, math.Max(floor, x)) }
	r = Range{Low: in(r.Low), Central: in(r.Central), High: in(r.High)}
	r.Central = math.Max(r.Low, math.Min(r.Central, r.High))
	return r
}

// learnVoiceRate updates the assumed voice rate with the restaurant's own
// weeks (see EstimateSilent).
func learnVoiceRate(assumed Range, history []WeekSample) VoiceRate {
	if assumed.Low <= 0 || assumed.High <= 0 || assumed.Central <= 0 || assumed.Low > assumed.Central || assumed.Central > assumed.High {
		assumed = DefaultVoiceRate
	}
	a, b := priorWeight*assumed.Central, priorWeight*(1-assumed.Central)
	weeks := 0
	for _, w := range history {
		if w.Covers <= 0 || w.Responses <= 0 {
			continue
		}
		d := float64(w.Unhappy) / float64(w.Responses) * float64(w.Covers)
		v := math.Min(float64(w.Unprompted), d)
		a, b = a+v, b+(d-v)
		weeks++
	}
	if weeks < minOwnWeeks {
		return VoiceRate{Rate: assumed, Weeks: weeks}
	}
	return VoiceRate{Own: true, Weeks: weeks,
		Rate: Range{Low: betaQuantile(0.05, a, b), Central: a / (a + b), High: betaQuantile(0.95, a, b)}}
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

// betaQuantile is the q-quantile of Beta(a, b), by bisection on the
// regularized incomplete beta function.
func betaQuantile(q, a, b float64) float64 {
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if betaCDF(mid, a, b) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// betaCDF is the regularized incomplete beta function I_x(a, b), from its
// continued fraction (Numerical Recipes, 6.4), using the symmetry
// I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
func betaCDF(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log(1-x))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(x, a, b) / a
	}
	return 1 - front*betaFraction(1-x, b, a)/b
}

// betaFraction is the continued fraction of the incomplete beta function,
// by the modified Lentz method.
func betaFraction(x, a, b float64) float64 {
	const tiny, eps = 1e-300, 1e-14
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 300; m++ {
		mf := float64(m)
		for _, num := range []float64{
			mf * (b - mf) * x / ((a + 2*mf - 1) * (a + 2*mf)),
			-(a + mf) * (a + b + mf) * x / ((a + 2*mf) * (a + 2*mf + 1)),
		} {
			d = 1 + num*d
			if math.Abs(d) < tiny {
				d = tiny
			}
			c = 1 + num/c
			if math.Abs(c) < tiny {
				c = tiny
			}
			d = 1 / d
			h *= d * c
		}
		if math.Abs(d*c-1) < eps {
			break
		}
	}
	return h
}
