package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/aezen/engine/internal/testkit"
)

// TestSignUpLiveInboxAndReply: sign up → inbox; a signed inbound message appears live and bumps the badge;
// opening the chat marks it read; a reply shows at once as Pending, then Sent once the webhook takes it.
func TestSignUpLiveInboxAndReply(t *testing.T) {
	b := Setup(t)
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1000 // the reply must wait, not fail, while the webhook is down
	e := testkit.Start(t, cfg)
	p := b.NewPage(t, e.BaseURL)

	p.Go("/")
	p.FindName("button", "Sign up")
	p.Axe("sign up")
	p.Screenshot("signup")
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	p.Axe("empty inbox")

	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	ch.Inbound("m-1", "visitor-1", "Hi! Is the blue one in stock?")
	p.FindName("listitem", "Customer visitor-1", p.FindName("list", "Conversations")) // each item names the contact
	p.Eventually("the row to name its channel", func() bool { return strings.Contains(p.Conversation("Customer visitor-1").Name, "site chat") })
	p.Eventually("the badge to show 1 unread", func() bool { return strings.Contains(p.Conversation("Customer visitor-1").Name, "1 unread") })
	ch.Inbound("m-2", "visitor-1", "And in size M?")
	p.Eventually("the badge to show 2 unread", func() bool { return strings.Contains(p.Conversation("Customer visitor-1").Name, "2 unread") })
	ch.Inbound("m-3", "visitor-2", "Hello from another visitor")
	p.Eventually("the newest conversation on top", func() bool {
		links := p.All("link", p.FindName("list", "Conversations"))
		return len(links) == 2 && strings.HasPrefix(links[0].Name, "Customer visitor-2")
	})
	p.Axe("inbox")

	p.Click(p.Conversation("Customer visitor-1"))
	p.WaitMessages("And in size M?")
	p.Eventually("opening the chat to clear its badge", func() bool { return !strings.Contains(p.Conversation("Customer visitor-1").Name, "unread") })

	// The webhook is down: the reply stays Pending (retried), then becomes Sent when it comes back.
	hook.SetDown(true)
	p.Reply("Yes, it ships today.")
	p.Eventually("the reply to show as Pending", func() bool { return strings.Contains(p.MessageItem("Yes, it ships today."), "Pending") })
	p.Axe("chat")
	hook.SetDown(false)
	p.Eventually("the reply to become Sent", func() bool { return strings.Contains(p.MessageItem("Yes, it ships today."), "Sent") })
	need(t, strings.Count(p.Messages(), "Yes, it ships today.") == 1, "the reply shows once: %q", p.Messages())

	// A double click sends once.
	p.Type(p.FindName("textbox", "Message"), "Sent once")
	if err := p.Call(p.FindName("button", "Send"), `function(){ this.click(); this.click(); }`, nil); err != nil {
		t.Fatal(err)
	}
	p.Eventually("the reply Sent", func() bool { return strings.HasSuffix(strings.TrimSpace(p.MessageItem("Sent once")), "Sent") })
	need(t, strings.Count(p.Messages(), "Sent once") == 1, "a double click sent twice: %q", p.Messages())

	// A new message in the open chat appears live and does not leave a badge behind.
	ch.Inbound("m-4", "visitor-1", "Great, thanks!")
	p.WaitMessages("Great, thanks!")
	p.Screenshot("inbox")
	p.ColorScheme("dark")
	p.Axe("chat, dark theme")
	p.Screenshot("inbox-dark")
	p.ColorScheme("light")

	// Keyboard: "/" focuses the search box; ↑/↓ move between conversations and Enter opens one.
	p.Focus(p.FindName("link", "Inbox"))
	p.Shortcut("/", "Slash", 191)
	var focused string
	p.Eval(`document.activeElement.getAttribute("aria-label") || ""`, &focused)
	need(t, focused == "Search conversations", "/ focused %q", focused)
	var typed string
	p.Eval(`document.activeElement.value`, &typed)
	need(t, typed == "", "/ typed %q into the search box", typed)
	p.Focus(p.Conversation("Customer visitor-1")) // on top: it has the newest message
	p.Key(kb.ArrowDown)
	p.Eventually("↓ to move to the next conversation", func() bool { return strings.HasPrefix(p.focusedText(), "Customer visitor-2") })
	p.Key(kb.ArrowUp)
	p.Eventually("↑ to move back", func() bool { return strings.HasPrefix(p.focusedText(), "Customer visitor-1") })
	p.Key(kb.ArrowDown)
	p.Eventually("↓ again", func() bool { return strings.HasPrefix(p.focusedText(), "Customer visitor-2") })
	p.Key(kb.Enter)
	p.WaitMessages("Hello from another visitor")

	// The status filter asks the engine: no conversation is closed.
	status := p.FindName("combobox", "Status")
	p.Choose(status, "Closed")
	p.Eventually("no closed conversations", func() bool { return len(p.All("link", p.FindName("list", "Conversations"))) == 0 })
	p.Choose(status, "Any status")
	p.Eventually("both conversations again", func() bool { return len(p.All("link", p.FindName("list", "Conversations"))) == 2 })

	search := p.FindName("searchbox", "Search conversations")
	p.Fill(search, "another visitor")
	p.Eventually("the search to find one conversation", func() bool {
		links := p.All("link", p.FindName("list", "Conversations"))
		return len(links) == 1 && strings.HasPrefix(links[0].Name, "Customer visitor-2")
	})
	p.Fill(search, "")
	p.Eventually("both conversations after clearing the search", func() bool { return len(p.All("link", p.FindName("list", "Conversations"))) == 2 })

	// At phone width one pane shows at a time.
	p.Viewport(390, 844)
	p.Eventually("the list to give way to the chat", func() bool { return !p.Has("list", Exact("Conversations")) })
	p.Screenshot("phone-chat")
	p.Axe("chat at phone width")
	p.Click(p.FindName("link", "Back to conversations"))
	p.FindName("list", "Conversations")
	p.Screenshot("phone-inbox")
}

func (p *Page) focusedText() string {
	var s string
	p.Eval(`document.activeElement ? document.activeElement.innerText || "" : ""`, &s)
	return s
}
