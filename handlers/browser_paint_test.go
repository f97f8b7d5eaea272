package handlers_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// slow3G is Chromium DevTools' "Slow 3G" profile: 2 s from request to
// response headers, 50 kB/s each way (500 kbit/s less DevTools' 20%).
var slow3G = network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{{
	Latency: 2000, DownloadThroughput: 50_000, UploadThroughput: 50_000}}}

// TestBrowserSurveyFirstPaintSlow3G measures, and logs, the survey's first
// contentful paint on a phone over Slow 3G with an empty cache (the median
// of three loads), and the bytes it took. It asserts no time: these
// machines are noisy. Set TABLESIDE_FIRST_PAINT_COMPARE to another
// survey's URL (an older build's, say) to measure it the same way and log
// the ratio.
func TestBrowserSurveyFirstPaintSlow3G(t *testing.T) {
	a, base := serve(t)
	ctx := browser(t)
	measure := func(url string) (time.Duration, int) {
		var paints []time.Duration
		var bytes int
		for range 3 {
			if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, slow3G); err != nil {
				t.Fatal(err)
			}
			err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
				chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`form`)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`new Promise(done => {
				const read = () => {
					const fcp = performance.getEntriesByName('first-contentful-paint')[0];
					if (!fcp) return setTimeout(read, 50);
					const all = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
						.filter(e => e.startTime <= fcp.startTime);
					done([fcp.startTime, all.reduce((n, e) => n + e.transferSize, 0)]);
				};
				read();
			})`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			paints = append(paints, time.Duration(got[0]*float64(time.Millisecond)))
			bytes = int(got[1])
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(paints)
		return paints[1], bytes
	}
	now, nowBytes := measure(base + "/t/" + a.tables[0].Token)
	t.Logf("survey on Slow 3G: first contentful paint %v (median of 3), %d bytes transferred before it", now.Round(time.Millisecond), nowBytes)
	if other := strings.TrimSpace(os.Getenv("TABLESIDE_FIRST_PAINT_COMPARE")); other != "" {
		then, thenBytes := measure(other)
		t.Logf("%s on Slow 3G: first contentful paint %v, %d bytes; this build paints %.2fx sooner",
			other, then.Round(time.Millisecond), thenBytes, float64(then)/float64(now))
	}
}
