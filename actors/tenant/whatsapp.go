package tenant

import (
	"context"
	"errors"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// whatsappToggle answers ops.OpWhatsAppToggle: connect (creating the channel on first use) or disconnect.
func (t *tenantActor) whatsappToggle(ctx actor.Context, caller node.Caller, _ ops.None, done func(ops.ToggleResult, error)) {
	if pid, err := t.whatsappSession(ctx, caller, true); err != nil {
		done(ops.ToggleResult{}, err)
	} else {
		ctx.Send(pid, &channels.WAToggle{Done: done})
	}
}

// whatsappStatus answers ops.OpWhatsAppStatus from the session (DISCONNECTED when there is no channel).
func (t *tenantActor) whatsappStatus(ctx actor.Context, caller node.Caller, _ ops.None, done func(ops.WhatsAppStatus, error)) {
	pid, err := t.whatsappSession(ctx, caller, false)
	switch {
	case err != nil:
		done(ops.WhatsAppStatus{}, err)
	case pid == nil:
		done(ops.WhatsAppStatus{Status: ops.WAStatusDisconnected}, nil)
	default:
		ctx.Send(pid, &channels.WAStatus{Done: done})
	}
}

// whatsappLogout answers ops.OpWhatsAppLogout: unlink the device (DISCONNECTED when there is no channel).
func (t *tenantActor) whatsappLogout(ctx actor.Context, caller node.Caller, _ ops.None, done func(ops.WhatsAppStatus, error)) {
	pid, err := t.whatsappSession(ctx, caller, false)
	switch {
	case err != nil:
		done(ops.WhatsAppStatus{}, err)
	case pid == nil:
		done(ops.WhatsAppStatus{Status: ops.WAStatusDisconnected}, nil)
	default:
		ctx.Send(pid, &channels.WALogout{Done: done})
	}
}

// whatsappPairPhone answers ops.OpWhatsAppPairPhone: a code to type on the phone instead of scanning a QR.
func (t *tenantActor) whatsappPairPhone(ctx actor.Context, caller node.Caller, in ops.PairPhoneInput, done func(ops.PairPhoneResult, error)) {
	err := domain.Validate(in)
	if err == nil && sessions.WhatsAppJID(in.Phone) == "" {
		err = domain.InvalidField("phone", "must be an international phone number (country code first)")
	}
	var pid *actor.PID
	if err == nil {
		pid, err = t.whatsappSession(ctx, caller, true)
	}
	if err != nil {
		done(ops.PairPhoneResult{}, err)
		return
	}
	ctx.Send(pid, &channels.WAPairPhone{Phone: in.Phone, Done: done})
}

// whatsappSession is the session of the tenant's WhatsApp channel, started when needed (and the channel
// created when create is set and there is none); nil without an error when there is no channel.
func (t *tenantActor) whatsappSession(ctx actor.Context, caller node.Caller, create bool) (*actor.PID, error) {
	channelID, err := t.whatsappChannel(caller, create)
	if err != nil || channelID == uuid.Nil {
		return nil, err
	}
	return t.session(ctx, channelID, domain.PlatformWhatsApp).pid, nil
}

// whatsappChannel finds the tenant's (first) WhatsApp channel; uuid.Nil when it has none and create is off.
func (t *tenantActor) whatsappChannel(caller node.Caller, create bool) (uuid.UUID, error) {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ch, err := t.store.FirstChannelOfType(c, domain.PlatformWhatsApp)
	if err == nil {
		return ch.ChannelID, nil
	}
	if !errors.Is(err, domain.ErrNotFound) || !create {
		if errors.Is(err, domain.ErrNotFound) {
			err = nil
		}
		return uuid.Nil, err
	}
	userID, _ := uuid.Parse(caller.UserID)
	name := "WhatsApp"
	ch = persistence.Channel{ChannelID: uuid.Must(uuid.NewV7()), UserID: userID, PlatformType: domain.PlatformWhatsApp,
		ChannelName: &name, IsActive: true}
	if err := t.node.Deps().Master.AddChannelRoute(c, ch.ChannelID, t.tenantID); err != nil {
		return uuid.Nil, err
	}
	if _, err := t.store.CreateChannel(c, ch); err != nil {
		_ = t.node.Deps().Master.RemoveChannelRoute(context.WithoutCancel(c), ch.ChannelID, t.tenantID)
		return uuid.Nil, err
	}
	t.log.Info("created the tenant's WhatsApp channel", "channel_id", ch.ChannelID)
	return ch.ChannelID, nil
}

// whatsappSend finds or creates the customer and chat of a phone number on the WhatsApp channel, then
// sends through the chat's conversation actor exactly as the inbox does (OpConversationSend).
func (t *tenantActor) whatsappSend(ctx actor.Context, caller node.Caller, in ops.WhatsAppSendInput, done func(ops.SendResult, error)) {
	fail := func(err error) { done(ops.SendResult{}, err) }
	if err := domain.Validate(in); err != nil {
		fail(err)
		return
	}
	jid := sessions.WhatsAppJID(in.To)
	if jid == "" {
		fail(domain.InvalidField("to", "must be an international phone number (country code first)"))
		return
	}
	channelID, err := t.whatsappChannel(caller, false)
	if err == nil && channelID == uuid.Nil {
		err = domain.Conflict("the tenant has no WhatsApp channel; connect WhatsApp first")
	}
	if err != nil {
		fail(err)
		return
	}
	key := contactKey{channelID: channelID, platformID: jid}
	chatID, ok := t.contacts[key]
	if !ok {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		phone := sessions.WhatsAppPhone(jid)
		chatID, err = t.store.ResolveContact(c, persistence.Contact{ChannelID: channelID, PlatformCustomerID: jid, Phone: &phone})
		cancel()
		if err != nil {
			fail(err)
			return
		}
		t.contacts[key] = chatID
	}
	t.ensureWakeup("outbound messages")
	send := ops.SendInput{ChatID: chatID, Content: in.Content, ContentType: domain.ContentText, IdempotencyKey: in.IdempotencyKey}
	t.toConversation(ctx, chatID, chatRequest(ops.OpConversationSend.Name(), send, (*conversationActor).send, done))
}
