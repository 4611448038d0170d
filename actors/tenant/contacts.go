package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// pendingContact holds the messages of a contact whose chat is being resolved.
type pendingContact struct {
	msgs  []ops.InboundInput
	dones []inboundDone
}

// contactResolved answers a resolveContact query.
type contactResolved struct {
	key    contactKey
	chatID uuid.UUID
	err    error
}

// resolveContact queues the message behind the resolution of its contact, starting one if none runs.
func (t *tenantActor) resolveContact(ctx actor.Context, key contactKey, msg ops.InboundInput, done inboundDone) {
	if p := t.resolving[key]; p != nil {
		p.msgs, p.dones = append(p.msgs, msg), append(p.dones, done)
		return
	}
	t.resolving[key] = &pendingContact{msgs: []ops.InboundInput{msg}, dones: []inboundDone{done}}
	store := t.store
	contact := persistence.Contact{ChannelID: key.channelID, PlatformCustomerID: key.platformID,
		FullName: msg.From.FullName, Phone: msg.From.Phone, AltPlatformCustomerID: msg.AltPlatformCustomerID,
		History: msg.History}
	async(t, ctx, t.dbTimeout(), func(c context.Context) (uuid.UUID, error) {
		return store.ResolveContact(c, contact)
	}, func(ctx actor.Context, chatID uuid.UUID, err error) {
		t.contactResolved(ctx, &contactResolved{key: key, chatID: chatID, err: err})
	})
}

// contactResolved delivers, in arrival order, the messages that waited for a contact's chat.
func (t *tenantActor) contactResolved(ctx actor.Context, msg *contactResolved) {
	p := t.resolving[msg.key]
	delete(t.resolving, msg.key)
	if p == nil {
		return
	}
	if msg.err == nil {
		t.contacts[msg.key] = msg.chatID
	}
	for i, done := range p.dones {
		if msg.err == nil {
			t.deliverInbound(ctx, msg.chatID, p.msgs[i], done)
		} else {
			done(ops.InboundResult{}, msg.err)
		}
	}
}
