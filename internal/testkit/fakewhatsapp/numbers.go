package fakewhatsapp

import (
	"context"
	"errors"

	"github.com/aezen/engine/sessions"
)

// numbers is what the fake knows about phone numbers: those without a WhatsApp account, and every
// IsOnWhatsApp lookup made.
type numbers struct {
	notOn  map[string]bool
	checks []string
}

// errNoAccount is what a send to a number without WhatsApp fails with: a plain error, retried like any
// other, as whatsmeow's would be; only an IsOnWhatsApp lookup tells such a number apart.
var errNoAccount = errors.New("fake whatsapp: the recipient has no WhatsApp account")

// SetNotOnWhatsApp makes these JIDs numbers without a WhatsApp account.
func (f *WhatsApp) SetNotOnWhatsApp(jids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.numbers.notOn == nil {
		f.numbers.notOn = map[string]bool{}
	}
	for _, j := range jids {
		f.numbers.notOn[j] = true
	}
}

// NumberChecks returns the JIDs IsOnWhatsApp was asked about, in order.
func (f *WhatsApp) NumberChecks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.numbers.checks...)
}

// IsOnWhatsApp answers from SetNotOnWhatsApp: every other number is on WhatsApp.
func (c *Client) IsOnWhatsApp(_ context.Context, jid string) (bool, error) {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if !c.connected {
		return false, sessions.ErrWANotConnected
	}
	f.numbers.checks = append(f.numbers.checks, jid)
	return !f.numbers.notOn[jid], nil
}
