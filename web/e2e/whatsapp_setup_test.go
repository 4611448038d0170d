package e2e

import (
	"testing"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
)

// signedUpWithWhatsAppFake starts an engine whose WhatsApp is the scripted fake and signs up a new owner in
// a browser page: the start of every WhatsApp screen test.
func signedUpWithWhatsAppFake(t *testing.T) (*Page, *testkit.Engine, *fakewhatsapp.WhatsApp) {
	t.Helper()
	b := Setup(t)
	cfg := testkit.Config(t)
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	e := testkit.Start(t, cfg)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	return p, e, fake
}
