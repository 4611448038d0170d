package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// The browser's side of the benchmark (run by make bench, not by make test): what a user of the inbox
// waits for, measured in Chromium against a real engine.

// BenchmarkInboundToVisible: a signed inbound POST until its text is on screen in the open chat, one
// message at a time, 200 messages; reports p50 and p99 in milliseconds.
func BenchmarkInboundToVisible(b *testing.B) {
	br := Setup(b)
	e := testkit.StartDefault(b)
	p := br.NewPage(b, e.BaseURL)
	p.SignUp("Bench", "bench-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	hook := testkit.NewWebhookReceiver(b)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	ch.Inbound("warm-up", "bench-customer", "warm-up")
	p.Click(p.Conversation("Customer bench-customer"))
	p.WaitMessages("warm-up")
	// The page notes the wall-clock time at which each "bench-N" text is added to the document.
	var ok bool
	p.Eval(`(() => { window.__seen = {};
		new MutationObserver(ms => { const now = performance.timeOrigin + performance.now();
			for (const m of ms) for (const n of m.addedNodes) {
				const hit = /bench-(\d+)/.exec(n.textContent || "");
				if (hit && !(hit[1] in window.__seen)) window.__seen[hit[1]] = now;
			} }).observe(document.body, {childList: true, subtree: true});
		return true; })()`, &ok)

	const n = 200
	for b.Loop() {
		var lat []float64
		for i := 0; i < n; i++ {
			start := float64(time.Now().UnixNano()) / 1e6
			if _, r := ch.Inbound("bench-"+testkit.RandomID(), "bench-customer", "bench-"+strconv.Itoa(i)); r.Status != 202 {
				b.Fatalf("inbound: %d %s", r.Status, r.Body)
			}
			var seen float64
			p.Eventually("message "+strconv.Itoa(i)+" on screen", func() bool {
				p.Eval(fmt.Sprintf(`window.__seen[%q] || 0`, strconv.Itoa(i)), &seen)
				return seen > 0
			})
			lat = append(lat, seen-start)
		}
		slices.Sort(lat)
		b.ReportMetric(lat[n/2], "p50-ms")
		b.ReportMetric(lat[n*99/100], "p99-ms")
		b.ReportMetric(lat[n-1], "max-ms")
	}
}

// BenchmarkInbox10k: an inbox of 10,000 conversations: the first row on screen after opening the inbox,
// then every conversation loaded into the virtualized list by scrolling, and how many rows the page holds.
func BenchmarkInbox10k(b *testing.B) {
	br := Setup(b)
	e := testkit.StartDefault(b)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(b)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	const total = 10000
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= total {
					return
				}
				id := strconv.FormatInt(i, 10)
				if _, r := ch.Inbound("seed-"+id, "customer-"+id, "Hello from customer "+id); r.Status != 202 {
					panic(fmt.Sprintf("seeding: %d %s", r.Status, r.Body))
				}
			}
		}()
	}
	wg.Wait()

	p := br.NewPage(b, e.BaseURL)
	p.Go("/")
	p.Eval(fmt.Sprintf(`localStorage.setItem("aezen.token", %q)`, acct.Token), nil)
	for b.Loop() {
		start := time.Now()
		p.Go("/inbox")
		list := p.FindName("list", "Conversations")
		p.Find("link", Prefix("Customer customer-"), list)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "first-render-ms")

		// Scroll to the end until every conversation is in the list (pages of 100 load on the way).
		var res struct {
			Loaded, Rows  int
			Ms, LongestMs float64
		}
		p.EvalFor(3*time.Minute, fmt.Sprintf(`(async () => {
			const el = document.querySelector(".conv-scroll");
			const t0 = performance.now(); let longest = 0, last = performance.now(), n = 0;
			const frame = () => new Promise(r => requestAnimationFrame(() => { const now = performance.now(); longest = Math.max(longest, now - last); last = now; r(); }));
			while (performance.now() - t0 < 120000) {
				el.scrollTop = el.scrollHeight;
				await frame();
				const rows = el.querySelectorAll("li");
				const lastRow = rows[rows.length - 1];
				n = lastRow ? Number(lastRow.getAttribute("aria-posinset")) : 0;
				if (n >= %d) break;
			}
			return {loaded: n, rows: el.querySelectorAll("li").length, ms: performance.now() - t0, longestMs: longest};
		})()`, total), &res)
		if res.Loaded < total {
			b.Fatalf("only %d of %d conversations loaded", res.Loaded, total)
		}
		b.ReportMetric(res.Ms, "load-all-ms")
		b.ReportMetric(res.LongestMs, "longest-frame-ms")
		b.ReportMetric(float64(res.Rows), "dom-rows")
	}
}
