// Package e2e drives the web inbox in a real Chromium (Debian's, through chromedp) against real engines
// (internal/testkit) and PostgreSQL. Elements are found the way a user finds them: by role and accessible
// name, from the browser's own accessibility tree (CDP Accessibility.queryAXTree), never by test ids.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/aezen/engine/web"
)

// Timeouts are generous: make test runs on a loaded two-core machine.
const (
	waitTimeout = 30 * time.Second
	pollEvery   = 50 * time.Millisecond
)

// Browser is one Chromium process; each Page is an isolated browser context (its own storage).
type Browser struct {
	ctx context.Context
}

// Setup starts Chromium for the test, or skips it when the browser tests are not asked for and something
// is missing. Under make test (AEZEN_BROWSER_TESTS=1) a missing browser or app fails instead.
func Setup(t testing.TB) *Browser {
	t.Helper()
	required := os.Getenv("AEZEN_BROWSER_TESTS") == "1"
	miss := func(why string) {
		if required {
			t.Fatal(why)
		}
		t.Skip(why + " (make test builds the app and installs Chromium)")
	}
	if _, built := web.Assets(); !built {
		miss("the web app is not built: run make web")
	}
	exe := chromiumPath()
	if exe == "" {
		miss("Chromium not found (set AEZEN_CHROMIUM or install Debian's chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 800),
		// Chromium's first start on a fresh machine (fontconfig's cache, a cold disk) can pass chromedp's
		// default 20 s before it prints its DevTools address, next to the other test packages on two cores.
		chromedp.WSURLReadTimeout(2*time.Minute),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Run(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("starting Chromium (%s): %v", exe, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return &Browser{ctx: bctx}
}

func chromiumPath() string {
	for _, c := range []string{os.Getenv("AEZEN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// Page is one user's tab in its own browser context.
type Page struct {
	t    testing.TB
	ctx  context.Context
	Base string
}

// NewPage opens a tab in a fresh browser context on base (http://host:port).
func (b *Browser) NewPage(t testing.TB, base string) *Page {
	t.Helper()
	// A browser context of its own (storage, cookies), in a new window: Chromium's headless mode refuses a
	// new context's first tab without one, so chromedp's WithNewBrowserContext cannot be used.
	var bcID cdp.BrowserContextID
	var tid target.ID
	err := chromedp.Run(b.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		ex := cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser)
		var err error
		if bcID, err = target.CreateBrowserContext().Do(ex); err != nil {
			return err
		}
		tid, err = target.CreateTarget("about:blank").WithBrowserContextID(bcID).WithNewWindow(true).Do(ex)
		return err
	}))
	if err != nil {
		t.Fatalf("opening a browser context: %v", err)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(tid))
	if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(1280, 800, 1, false)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = chromedp.Run(b.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			return target.DisposeBrowserContext(bcID).Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser))
		}))
	})
	p := &Page{t: t, ctx: ctx, Base: base}
	return p
}

func (p *Page) run(actions ...chromedp.Action) {
	p.t.Helper()
	p.runFor(waitTimeout, actions...)
}

func (p *Page) runFor(d time.Duration, actions ...chromedp.Action) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// Go navigates to path and waits for the document to load.
func (p *Page) Go(path string) {
	p.t.Helper()
	p.run(chromedp.Navigate(p.Base + path))
}

// Reload reloads the page.
func (p *Page) Reload() {
	p.t.Helper()
	p.run(chromedp.Reload())
}

// Viewport sets the window's size (a phone is 390×844).
func (p *Page) Viewport(w, h int64) {
	p.t.Helper()
	p.run(emulation.SetDeviceMetricsOverride(w, h, 1, w < 600))
}

// ColorScheme makes the page see the system theme as "light" or "dark".
func (p *Page) ColorScheme(scheme string) {
	p.t.Helper()
	p.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}))
}

// Node is an element found in the accessibility tree.
type Node struct {
	Role, Name string
	ID         cdp.BackendNodeID
}

// All lists the (not ignored) elements with a role, optionally only those inside the element within.
func (p *Page) All(role string, within ...Node) []Node {
	p.t.Helper()
	var out []Node
	err := chromedp.Run(p.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		q := accessibility.QueryAXTree().WithRole(role)
		if len(within) > 0 {
			q = q.WithBackendNodeID(within[0].ID)
		} else {
			doc, err := dom.GetDocument().WithDepth(0).Do(ctx)
			if err != nil {
				return err
			}
			q = q.WithBackendNodeID(doc.BackendNodeID)
		}
		nodes, err := q.Do(ctx)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			if n.Ignored || n.BackendDOMNodeID == 0 {
				continue
			}
			name := ""
			if n.Name != nil {
				_ = json.Unmarshal(n.Name.Value, &name)
			}
			out = append(out, Node{Role: role, Name: name, ID: n.BackendDOMNodeID})
		}
		return nil
	}))
	if err != nil {
		p.t.Fatalf("querying the accessibility tree: %v", err)
	}
	return out
}

// Match is a name test: Exact, Prefix or Contains.
type Match func(name string) bool

func Exact(s string) Match    { return func(n string) bool { return n == s } }
func Prefix(s string) Match   { return func(n string) bool { return strings.HasPrefix(n, s) } }
func Contains(s string) Match { return func(n string) bool { return strings.Contains(n, s) } }

// Find waits for an element with role and a matching name, and returns the first.
func (p *Page) Find(role string, name Match, within ...Node) Node {
	p.t.Helper()
	var found Node
	p.Eventually(fmt.Sprintf("a %s matching the name", role), func() bool {
		for _, n := range p.All(role, within...) {
			if name(n.Name) {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

// FindName is Find with an exact name.
func (p *Page) FindName(role, name string, within ...Node) Node {
	p.t.Helper()
	var found Node
	p.Eventually(fmt.Sprintf("a %s named %q", role, name), func() bool {
		for _, n := range p.All(role, within...) {
			if n.Name == name {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

// Has reports whether an element with role and a matching name is there now.
func (p *Page) Has(role string, name Match, within ...Node) bool {
	p.t.Helper()
	for _, n := range p.All(role, within...) {
		if name(n.Name) {
			return true
		}
	}
	return false
}

// Call runs a JavaScript function with the element as this (and args, as JSON) and decodes its result
// into out (may be nil).
func (p *Page) Call(n Node, fn string, out any, args ...any) error {
	var callArgs []*runtime.CallArgument
	for _, a := range args {
		raw, err := json.Marshal(a)
		if err != nil {
			return err
		}
		callArgs = append(callArgs, &runtime.CallArgument{Value: raw})
	}
	return chromedp.Run(p.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		obj, err := dom.ResolveNode().WithBackendNodeID(n.ID).Do(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = runtime.ReleaseObject(obj.ObjectID).Do(ctx) }()
		res, exc, err := runtime.CallFunctionOn(fn).WithObjectID(obj.ObjectID).WithArguments(callArgs).WithReturnByValue(true).WithAwaitPromise(true).Do(ctx)
		if err != nil {
			return err
		}
		if exc != nil {
			return fmt.Errorf("javascript: %s", exc.Text+" "+describe(exc))
		}
		if out != nil && res != nil && len(res.Value) > 0 {
			return json.Unmarshal(res.Value, out)
		}
		return nil
	}))
}

func describe(exc *runtime.ExceptionDetails) string {
	if exc.Exception != nil {
		return exc.Exception.Description
	}
	return ""
}

// Click clicks the element (scrolled into view first).
func (p *Page) Click(n Node) {
	p.t.Helper()
	if err := p.Call(n, `function(){ this.scrollIntoView({block:"center"}); this.click(); }`, nil); err != nil {
		p.t.Fatalf("clicking %s %q: %v", n.Role, n.Name, err)
	}
}

// Text is the element's rendered text.
func (p *Page) Text(n Node) string {
	p.t.Helper()
	var s string
	if err := p.Call(n, `function(){ return this.innerText; }`, &s); err != nil {
		p.t.Fatalf("reading %s %q: %v", n.Role, n.Name, err)
	}
	return s
}

// Focus focuses the element.
func (p *Page) Focus(n Node) {
	p.t.Helper()
	if err := p.Call(n, `function(){ this.focus(); }`, nil); err != nil {
		p.t.Fatal(err)
	}
}

// Type focuses a text field and types text into it, as a keyboard would (input events).
func (p *Page) Type(n Node, text string) {
	p.t.Helper()
	p.Focus(n)
	p.run(input.InsertText(text))
}

// Fill replaces the field's value with text.
func (p *Page) Fill(n Node, text string) {
	p.t.Helper()
	p.Focus(n)
	if err := p.Call(n, `function(){ this.select && this.select(); }`, nil); err != nil {
		p.t.Fatal(err)
	}
	p.run(chromedp.KeyEvent("\b"))
	if text != "" {
		p.run(input.InsertText(text))
	}
}

// Key presses a key (chromedp's kb constants) on the focused element.
func (p *Page) Key(key string) {
	p.t.Helper()
	p.run(chromedp.KeyEvent(key))
}

// Shortcut presses a key whose default the page may cancel (a raw key down, as a browser sends before the
// character; chromedp's KeyEvent sends the character as an event of its own, which no handler can cancel).
func (p *Page) Shortcut(key, code string, keyCode int64) {
	p.t.Helper()
	p.run(input.DispatchKeyEvent(input.KeyRawDown).WithKey(key).WithCode(code).WithWindowsVirtualKeyCode(keyCode),
		input.DispatchKeyEvent(input.KeyUp).WithKey(key).WithCode(code).WithWindowsVirtualKeyCode(keyCode))
}

// Eval evaluates a JavaScript expression in the page (promises awaited).
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	p.EvalFor(waitTimeout, expr, out)
}

// EvalFor is Eval with a time limit of d.
func (p *Page) EvalFor(d time.Duration, expr string, out any) {
	p.t.Helper()
	p.runFor(d, chromedp.Evaluate(expr, out, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
}

// Eventually polls cond until it holds or the timeout passes.
func (p *Page) Eventually(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			p.Screenshot("failure-" + sanitize(p.t.Name()))
			p.t.Fatalf("timed out after %s waiting for %s", waitTimeout, what)
		}
		time.Sleep(pollEvery)
	}
}

// Screenshot saves the viewport: under docs/screenshots/ when AEZEN_SCREENSHOTS=1 (the README's pictures),
// else, for failures, into the test's temporary directory's parent (logged).
func (p *Page) Screenshot(name string) {
	var buf []byte
	if err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot(&buf)); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.TempDir()
	if os.Getenv("AEZEN_SCREENSHOTS") == "1" && !strings.HasPrefix(name, "failure-") {
		dir = filepath.Join(repoRoot(), "docs", "screenshots")
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p.t.Logf("screenshot: %s", path)
}

func repoRoot() string {
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' {
			return '-'
		}
		return r
	}, s)
}
