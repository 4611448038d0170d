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

func (t *tenantActor) whatsappToggle(ctx actor.Context, cmd *node.Command) {
	t.whatsappRequest(ctx, cmd, true, nil)
}

// whatsappStatus answers the status, and logs out, through the session (without creating a channel).
func (t *tenantActor) whatsappStatus(ctx actor.Context, cmd *node.Command) {
	t.whatsappRequest(ctx, cmd, false, nil)
}

func (t *tenantActor) whatsappPairPhone(ctx actor.Context, cmd *node.Command) {
	in := &ops.PairPhoneInput{}
	err := cmd.Decode(in)
	if err == nil {
		err = domain.Validate(in)
	}
	if err == nil && sessions.WhatsAppJID(in.Phone) == "" {
		err = domain.InvalidField("phone", "must be an international phone number (country code first)")
	}
	if err != nil {
		ctx.Respond(node.FailureReply(err, t.log, cmd.TenantCommand))
		return
	}
	t.whatsappRequest(ctx, cmd, true, in)
}

// whatsappRequest hands an operation to the session of the tenant's WhatsApp channel (creating the channel
// when create is set and there is none); the session answers the requester itself.
func (t *tenantActor) whatsappRequest(ctx actor.Context, cmd *node.Command, create bool, input any) {
	channelID, err := t.whatsappChannel(cmd, create)
	if err != nil {
		ctx.Respond(node.FailureReply(err, t.log, cmd.TenantCommand))
		return
	}
	if channelID == uuid.Nil {
		ctx.Respond(node.Reply(ops.WhatsAppStatus{Status: ops.WAStatusDisconnected}, nil, t.log, cmd.TenantCommand))
		return
	}
	s := t.session(ctx, channelID, domain.PlatformWhatsApp)
	ctx.Send(s.pid, &channels.WARequest{Op: cmd.Op, Cmd: cmd, Input: input, Sender: ctx.Sender()})
}

// whatsappChannel finds the tenant's (first) WhatsApp channel; uuid.Nil when it has none and create is off.
func (t *tenantActor) whatsappChannel(cmd *node.Command, create bool) (uuid.UUID, error) {
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
	userID, _ := uuid.Parse(cmd.GetCaller().GetUserId())
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
func (t *tenantActor) whatsappSend(ctx actor.Context, cmd *node.Command) {
	fail := func(err error) { ctx.Respond(node.FailureReply(err, t.log, cmd.TenantCommand)) }
	var in ops.WhatsAppSendInput
	if err := cmd.Decode(&in); err != nil {
		fail(err)
		return
	}
	if err := domain.Validate(in); err != nil {
		fail(err)
		return
	}
	jid := sessions.WhatsAppJID(in.To)
	if jid == "" {
		fail(domain.InvalidField("to", "must be an international phone number (country code first)"))
		return
	}
	channelID, err := t.whatsappChannel(cmd, false)
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
	send := &ops.SendInput{ChatID: chatID, Content: in.Content, ContentType: "TEXT", IdempotencyKey: in.IdempotencyKey}
	t.toConversation(ctx, chatID, &convRequest{op: ops.OpConversationSend, cmd: cmd, input: send, sender: ctx.Sender()})
}
