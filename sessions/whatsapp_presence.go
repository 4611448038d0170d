package sessions

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// WAPresence is a customer's presence: typing (or recording a voice note) in their chat with the business,
// or online/offline with the last time seen. Typing is set on chat presences, Online on presences; the
// other is nil.
type WAPresence struct {
	JID       string
	Typing    *bool
	Recording bool
	Online    *bool
	LastSeen  *time.Time
}

func (WAPresence) whatsAppEvent() {}

// translatePresence turns a direct chat's chat presence (composing, paused) or a user's presence (online,
// offline) into a WAPresence; groups and others are left out.
func translatePresence(raw any) WhatsAppEvent {
	switch evt := raw.(type) {
	case *events.ChatPresence:
		if evt.IsGroup || evt.IsFromMe || (evt.Chat.Server != types.DefaultUserServer && evt.Chat.Server != types.HiddenUserServer) {
			return nil
		}
		typing := evt.State == types.ChatPresenceComposing
		return WAPresence{JID: customerJID(evt.MessageSource).String(), Typing: &typing,
			Recording: typing && evt.Media == types.ChatPresenceMediaAudio}
	case *events.Presence:
		if evt.From.Server != types.DefaultUserServer && evt.From.Server != types.HiddenUserServer {
			return nil
		}
		online := !evt.Unavailable
		p := WAPresence{JID: evt.From.ToNonAD().String(), Online: &online}
		if !evt.LastSeen.IsZero() {
			ls := evt.LastSeen.UTC()
			p.LastSeen = &ls
		}
		return p
	}
	return nil
}

// SubscribePresence asks WhatsApp for jid's online state (events.Presence); WhatsApp sends presences only
// to a device that is online itself, which the client marks itself on connecting.
func (c *waClient) SubscribePresence(ctx context.Context, jid string) error {
	target, err := types.ParseJID(jid)
	if err != nil {
		return ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	return c.cli.SubscribePresence(ctx, target)
}

// presenceJID files a presence under the phone number when it names a LID whatsmeow's store knows.
func (c *waClient) presenceJID(p *WAPresence) {
	m := &WAMessage{Chat: p.JID}
	c.resolveLID(m)
	p.JID = m.Chat
}
