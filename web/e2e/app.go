package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// SignUp signs a new business up through the auth page and waits for the inbox.
func (p *Page) SignUp(business, email, password string) {
	p.t.Helper()
	p.Go("/")
	p.Fill(p.FindName("textbox", "Business name"), business)
	p.Fill(p.FindName("textbox", "Email"), email)
	p.Fill(p.FindName("textbox", "Password"), password)
	p.Click(p.FindName("button", "Sign up"))
	p.FindName("list", "Conversations")
}

// LogIn logs an existing user in through the auth page.
func (p *Page) LogIn(email, password string) {
	p.t.Helper()
	p.Go("/")
	if !p.Has("button", Exact("Log in")) {
		p.Click(p.FindName("button", "Log in instead"))
	}
	p.Fill(p.FindName("textbox", "Email"), email)
	p.Fill(p.FindName("textbox", "Password"), password)
	p.Click(p.FindName("button", "Log in"))
	p.FindName("list", "Conversations")
}

// Token is the session token the app keeps, for API calls the test makes as the same user.
func (p *Page) Token() string {
	p.t.Helper()
	var tok string
	p.Eval(`localStorage.getItem("aezen.token") || ""`, &tok)
	if tok == "" {
		p.t.Fatal("the app holds no token")
	}
	return tok
}

// Nav follows a link of the navigation landmark.
func (p *Page) Nav(name string) {
	p.t.Helper()
	nav := p.FindName("navigation", "Main")
	p.Click(p.FindName("link", name, nav))
}

// Conversation is the inbox row (a link) whose name starts with the contact's name.
func (p *Page) Conversation(contact string) Node {
	p.t.Helper()
	list := p.FindName("list", "Conversations")
	return p.Find("link", Prefix(contact), list)
}

// Messages is the texts of the open chat's history.
func (p *Page) Messages() string {
	p.t.Helper()
	return p.Text(p.FindName("list", "Messages"))
}

// WaitMessages waits until the history shows text.
func (p *Page) WaitMessages(text string) {
	p.t.Helper()
	p.Eventually("the history to show "+text, func() bool { return strings.Contains(p.Messages(), text) })
}

// Reply types text in the composer and presses Enter.
func (p *Page) Reply(text string) {
	p.t.Helper()
	box := p.FindName("textbox", "Message")
	p.Type(box, text)
	p.Key(kb.Enter)
}

// MessageItem is the text of the history's item containing text (status marks included).
func (p *Page) MessageItem(text string) string {
	p.t.Helper()
	list := p.FindName("list", "Messages")
	for _, n := range p.All("listitem", list) {
		if s := p.Text(n); strings.Contains(s, text) {
			return s
		}
	}
	return ""
}

// Axe runs axe-core (web/node_modules, installed by npm ci) on the page and fails the test on serious or
// critical violations.
func (p *Page) Axe(screen string) {
	p.t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(), "web", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		p.t.Fatalf("axe-core is not installed (make web runs npm ci): %v", err)
	}
	var loaded bool
	p.Eval(string(src)+"\n;typeof axe === 'object'", &loaded)
	var res struct {
		Passes     int
		Violations []struct {
			ID, Impact, Help string
			Nodes            []struct {
				Target []any
			}
		}
	}
	p.Eval(`axe.run(document).then(r => ({passes: r.passes.length,
		violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")}))`, &res)
	if !loaded || res.Passes == 0 {
		p.t.Fatalf("axe on %s did not run (loaded %v, %d rules passed)", screen, loaded, res.Passes)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			for _, t := range n.Target {
				where = append(where, toString(t))
			}
		}
		p.t.Errorf("axe on %s: %s (%s): %s at %s", screen, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "?"
}

// need is a tiny assertion for tests.
func need(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

// Choose selects the option of a select element whose text contains label, as a user would, waiting for
// the option to be there (options often come from a query still loading).
func (p *Page) Choose(sel Node, label string) {
	p.t.Helper()
	p.Focus(sel)
	p.Eventually(fmt.Sprintf("an option %q to choose", label), func() bool {
		var ok bool
		err := p.Call(sel, `function(label){
		const opt = [...this.options].find(o => o.text.includes(label));
		if (!opt || this.disabled) return false;
		Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set.call(this, opt.value);
		this.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	}`, &ok, label)
		if err != nil {
			p.t.Fatalf("choosing %q: %v", label, err)
		}
		return ok
	})
}

// Shows waits for an element with role whose rendered text contains text (for roles named by their author
// only, such as status), optionally inside within.
func (p *Page) Shows(role, text string, within ...Node) Node {
	p.t.Helper()
	var found Node
	p.Eventually(fmt.Sprintf("a %s showing %q", role, text), func() bool {
		for _, n := range p.All(role, within...) {
			if strings.Contains(p.Text(n), text) {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

// Showing reports whether an element with role shows text now.
func (p *Page) Showing(role, text string) bool {
	p.t.Helper()
	for _, n := range p.All(role) {
		var s string
		if p.Call(n, `function(){ return this.innerText; }`, &s) == nil && strings.Contains(s, text) {
			return true
		}
	}
	return false
}
