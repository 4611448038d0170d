package channels

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/sessions"
)

// CustomerPresence tells the tenant a customer's presence on a channel; the conversation of that customer
// relays it to those who may see it.
type CustomerPresence struct {
	ChannelID          uuid.UUID
	PlatformCustomerID string
	Typing             *bool
	Recording          bool
	Online             *bool
	LastSeen           *time.Time
}

// waSubscribe asks the session to follow a customer's online state (after one of their messages).
type waSubscribe struct{ jid string }

// presence hands a customer's presence to the tenant.
func (s *whatsappSession) presence(parentSend func(any), p sessions.WAPresence) {
	parentSend(&CustomerPresence{ChannelID: s.channelID, PlatformCustomerID: p.JID, Typing: p.Typing,
		Recording: p.Recording, Online: p.Online, LastSeen: p.LastSeen})
}

// subscribe asks WhatsApp, once per connection, for the online state of a customer who wrote.
func (s *whatsappSession) subscribe(msg *waSubscribe) {
	if s.client == nil || s.status != ops.WAStatusConnected || s.subscribed[msg.jid] {
		return
	}
	if s.subscribed == nil {
		s.subscribed = map[string]bool{}
	}
	s.subscribed[msg.jid] = true
	client, timeout, log := s.client, s.waTimeout(), s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := client.SubscribePresence(c, msg.jid); err != nil {
			log.Info("could not follow a customer's presence", "err", err)
		}
	}()
}
