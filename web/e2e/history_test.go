package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestOlderPagesOnScrollUp: a long chat opens at its newest messages; scrolling up loads older pages
// until the first message, in order, under one day separator.
func TestOlderPagesOnScrollUp(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	const n = 130 // the chat loads 50 at a time
	for i := 0; i < n; i++ {
		if _, r := ch.Inbound(fmt.Sprintf("m-%03d", i), "dana", fmt.Sprintf("line %03d", i)); r.Status != 202 {
			t.Fatalf("inbound: %d %s", r.Status, r.Body)
		}
	}
	p.Click(p.Conversation("Customer dana"))
	p.WaitMessages(fmt.Sprintf("line %03d", n-1))
	need(t, !strings.Contains(p.Messages(), "line 000"), "the first message is there before scrolling up")

	history := p.FindName("list", "Messages")
	p.Eventually("scrolling up to reach the first message", func() bool {
		if err := p.Call(history, `function(){ this.parentElement.scrollTop = 0; this.parentElement.dispatchEvent(new Event("scroll")); }`, nil); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(p.Messages(), "line 000")
	})
	text := p.Messages()
	for i := 1; i < n; i++ {
		need(t, strings.Index(text, fmt.Sprintf("line %03d", i-1)) < strings.Index(text, fmt.Sprintf("line %03d", i)), "line %d before line %d", i-1, i)
	}
	need(t, strings.Count(text, "Today") == 1, "one day separator: %d", strings.Count(text, "Today"))
}
