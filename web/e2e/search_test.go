package e2e

import (
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestSearch: the Search screen finds words in messages regardless of accents, shows hits grouped by
// conversation with the matched words highlighted (as text: escaped characters come out as themselves, no
// markup from a message ever becomes an element), and a result opens its conversation.
func TestSearch(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	ch := e.CreateAPIChannel(p.Token(), testkit.NewWebhookReceiver(t).URL)
	ch.Inbound("m-1", "dana", "Preciso de informação sobre o pedido")
	ch.Inbound("m-2", "eli", `Is the AT&T "store" open? <img src=x onerror="window.pwned=1"> thanks`)
	p.Conversation("Customer eli")

	p.Nav("Search")
	box := p.FindName("searchbox", "Search messages, notes and customers")
	p.Fill(box, "informacao")
	results := p.FindName("list", "Search results")
	result := p.Find("listitem", Prefix("Customer dana"), results)
	var marked string
	p.Eventually("the matched word highlighted", func() bool {
		_ = p.Call(result, `function(){ return [...this.querySelectorAll("mark")].map(m => m.textContent).join(","); }`, &marked)
		return marked != ""
	})
	need(t, strings.EqualFold(marked, "informação"), "marked %q", marked)
	need(t, len(p.All("listitem", results)) >= 1 && !p.Has("listitem", Prefix("Customer eli"), results), "eli's conversation matched informacao")
	p.Axe("search results")
	p.Screenshot("search")

	p.Fill(box, "store open")
	eli := p.Find("listitem", Prefix("Customer eli"), p.FindName("list", "Search results"))
	p.Eventually("eli's hit to show its text", func() bool { return strings.Contains(p.Text(eli), `AT&T "store" open`) })
	text := p.Text(eli)
	need(t, !strings.Contains(text, "&amp;") && !strings.Contains(text, "&#34;"), "entities shown raw: %q", text)
	var injected bool
	p.Eval(`!!document.querySelector(".search-results img") || window.pwned === 1`, &injected)
	need(t, !injected, "markup from a message became an element")

	p.Click(p.FindName("link", "Customer eli", eli))
	p.WaitMessages("store")
}
