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

// whatsappToggle answers ops.OpWhatsAppToggle: connect (creating the default channel on first use) or
// disconnect.
func (t *tenantActor) whatsappToggle(ctx actor.Context, caller node.Caller, in ops.WhatsAppTarget, done func(ops.ToggleResult, error)) {
	t.whatsappSession(ctx, caller, in.ChannelID, true, func(ctx actor.Context, pid *actor.PID, err error) {
		if err != nil {
			done(ops.ToggleResult{}, err)
			return
		}
		ctx.Send(pid, &channels.WAToggle{Done: done})
	})
}

// whatsappConnect answers ops.OpWhatsAppConnect: switch the channel's session on (creating the default
// channel on first use when none is named); a session already on is left as it is.
func (t *tenantActor) whatsappConnect(ctx actor.Context, caller node.Caller, in ops.WhatsAppTarget, done func(ops.WhatsAppStatus, error)) {
	t.whatsappSession(ctx, caller, in.ChannelID, true, func(ctx actor.Context, pid *actor.PID, err error) {
		if err != nil {
			done(ops.WhatsAppStatus{}, err)
			return
		}
		ctx.Send(pid, &channels.WAConnect{On: true, Done: done})
	})
}

// whatsappDisconnect answers ops.OpWhatsAppDisconnect: switch the channel's session off, keeping its device.
func (t *tenantActor) whatsappDisconnect(ctx actor.Context, caller node.Caller, in ops.WhatsAppTarget, done func(ops.WhatsAppStatus, error)) {
	t.askExistingSession(ctx, caller, in.ChannelID, &channels.WAConnect{On: false, Done: done}, done)
}

// whatsappStatus answers ops.OpWhatsAppStatus from the session (DISCONNECTED when there is no channel).
func (t *tenantActor) whatsappStatus(ctx actor.Context, caller node.Caller, in ops.WhatsAppTarget, done func(ops.WhatsAppStatus, error)) {
	t.askExistingSession(ctx, caller, in.ChannelID, &channels.WAStatus{Done: done}, done)
}

// whatsappLogout answers ops.OpWhatsAppLogout: unlink the device (DISCONNECTED when there is no channel).
func (t *tenantActor) whatsappLogout(ctx actor.Context, caller node.Caller, in ops.WhatsAppTarget, done func(ops.WhatsAppStatus, error)) {
	t.askExistingSession(ctx, caller, in.ChannelID, &channels.WALogout{Done: done}, done)
}

// askExistingSession sends msg, which answers through done, to the session of a WhatsApp channel of the
// tenant (see whatsappSession for channelID); without a channel (none is created) done answers
// DISCONNECTED at once.
func (t *tenantActor) askExistingSession(ctx actor.Context, caller node.Caller, channelID uuid.UUID, msg any,
	done func(ops.WhatsAppStatus, error)) {
	t.whatsappSession(ctx, caller, channelID, false, func(ctx actor.Context, pid *actor.PID, err error) {
		switch {
		case err != nil:
			done(ops.WhatsAppStatus{}, err)
		case pid == nil:
			done(ops.WhatsAppStatus{Status: ops.WAStatusDisconnected}, nil)
		default:
			ctx.Send(pid, msg)
		}
	})
}

// whatsappPairPhone answers ops.OpWhatsAppPairPhone: a code to type on the phone instead of scanning a QR.
func (t *tenantActor) whatsappPairPhone(ctx actor.Context, caller node.Caller, in ops.PairPhoneInput, done func(ops.PairPhoneResult, error)) {
	err := domain.Validate(in)
	if err == nil && sessions.WhatsAppJID(in.Phone) == "" {
		err = domain.InvalidField("phone", "must be an international phone number (country code first)")
	}
	if err != nil {
		done(ops.PairPhoneResult{}, err)
		return
	}
	t.whatsappSession(ctx, caller, in.ChannelID, true, func(ctx actor.Context, pid *actor.PID, err error) {
		if err != nil {
			done(ops.PairPhoneResult{}, err)
			return
		}
		ctx.Send(pid, &channels.WAPairPhone{Phone: in.Phone, Done: done})
	})
}

// whatsappSession calls then with the session of a WhatsApp channel, started when needed: the channel
// named, or with uuid.Nil the tenant's default one (created when create is set and there is none; a nil
// pid without an error when there is none). A named channel must be a WhatsApp channel of the tenant (404
// otherwise, 409 for another platform's), and active to be switched on (create).
func (t *tenantActor) whatsappSession(ctx actor.Context, caller node.Caller, channelID uuid.UUID, create bool,
	then func(ctx actor.Context, pid *actor.PID, err error)) {
	found := func(ctx actor.Context, channelID uuid.UUID, err error) {
		if err != nil || channelID == uuid.Nil {
			then(ctx, nil, err)
			return
		}
		then(ctx, t.session(ctx, channelID, domain.PlatformWhatsApp).pid, nil)
	}
	if channelID == uuid.Nil {
		t.whatsappChannel(ctx, caller, create, found)
		return
	}
	t.withChannel(ctx, channelID, func(ctx actor.Context, info *channelInfo, err error) {
		switch {
		case err != nil:
		case info.platform != domain.PlatformWhatsApp:
			err = domain.Conflict("channel %s is a %s channel, not a WhatsApp channel", channelID, info.platform)
		case create && !info.active:
			err = domain.Conflict("channel %s is not active; activate it (PUT /api/channels/%s {isActive: true}) first", channelID, channelID)
		}
		found(ctx, channelID, err)
	})
}

// waLookup is a caller waiting for the tenant's WhatsApp channel to be looked up.
type waLookup struct {
	caller node.Caller
	create bool
	then   func(ctx actor.Context, channelID uuid.UUID, err error)
}

// whatsappChannel calls then with the tenant's default WhatsApp channel (its oldest one), found (or, with create, created)
// off the mailbox and then remembered; uuid.Nil when it has none and create is off. Lookups wait for the
// one in flight, so two connects at once create one channel.
func (t *tenantActor) whatsappChannel(ctx actor.Context, caller node.Caller, create bool,
	then func(ctx actor.Context, channelID uuid.UUID, err error)) {
	if t.waChannel != uuid.Nil {
		then(ctx, t.waChannel, nil)
		return
	}
	t.waWaiting = append(t.waWaiting, waLookup{caller: caller, create: create, then: then})
	if len(t.waWaiting) == 1 {
		t.lookUpWhatsApp(ctx, caller, create)
	}
}

func (t *tenantActor) lookUpWhatsApp(ctx actor.Context, caller node.Caller, create bool) {
	store, master, tenantID, log := t.store, t.node.Deps().Master, t.tenantID, t.log
	async(t, ctx, t.dbTimeout(), func(c context.Context) (uuid.UUID, error) {
		ch, err := store.FirstChannelOfType(c, domain.PlatformWhatsApp)
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
		if err := master.AddChannelRoute(c, ch.ChannelID, tenantID); err != nil {
			return uuid.Nil, err
		}
		if _, err := store.CreateChannel(c, ch); err != nil {
			_ = master.RemoveChannelRoute(context.WithoutCancel(c), ch.ChannelID, tenantID)
			return uuid.Nil, err
		}
		log.Info("created the tenant's WhatsApp channel", "channel_id", ch.ChannelID)
		return ch.ChannelID, nil
	}, func(ctx actor.Context, channelID uuid.UUID, err error) {
		waiting := t.waWaiting
		t.waWaiting = nil
		if err == nil && channelID != uuid.Nil {
			t.waChannel = channelID
		}
		var creators []waLookup
		for _, w := range waiting {
			if err == nil && channelID == uuid.Nil && w.create {
				creators = append(creators, w) // found none, and this one may create it
				continue
			}
			w.then(ctx, channelID, err)
		}
		if len(creators) > 0 {
			t.waWaiting = creators
			t.lookUpWhatsApp(ctx, creators[0].caller, true)
		}
	})
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
	send := func(ctx actor.Context, chatID uuid.UUID) {
		t.afterWakeup(ctx, "outbound messages", func(ctx actor.Context) {
			in := ops.SendInput{ChatID: chatID, Content: in.Content, ContentType: domain.ContentText, IdempotencyKey: in.IdempotencyKey}
			t.toConversation(ctx, chatID, chatRequest(ops.OpConversationSend.Name(), in, (*conversationActor).send, done))
		})
	}
	t.whatsappSendChannel(ctx, caller, in.ChannelID, func(ctx actor.Context, channelID uuid.UUID, err error) {
		if err == nil && channelID == uuid.Nil {
			err = domain.Conflict("the tenant has no WhatsApp channel; connect WhatsApp first")
		}
		if err != nil {
			fail(err)
			return
		}
		t.checkNumber(ctx, channelID, jid, func(ctx actor.Context, err error) {
			if err != nil {
				fail(err)
				return
			}
			t.sendToNumber(ctx, channelID, jid, send, fail)
		})
	})
}

// checkNumber refuses (422 not_on_whatsapp) a send to a phone number known, or found now through the
// channel's session, not to be on WhatsApp: this is where a new chat starts, so nothing is stored for a
// number nobody can reach. When WhatsApp cannot be asked (the session is not connected), the send is
// accepted and the session checks again before sending it.
func (t *tenantActor) checkNumber(ctx actor.Context, channelID uuid.UUID, jid string, then func(ctx actor.Context, err error)) {
	if on, known := t.waNumbers.Known(jid); known {
		if !on {
			then(ctx, errNotOnWhatsApp(jid))
		} else {
			then(ctx, nil)
		}
		return
	}
	type answer struct{ on, known bool }
	reply := make(chan answer, 1)
	ctx.Send(t.session(ctx, channelID, domain.PlatformWhatsApp).pid, &channels.WACheckNumber{JID: jid,
		Done: func(on, known bool) { reply <- answer{on, known} }})
	async(t, ctx, t.node.Deps().Config.WhatsAppTimeout+time.Second, func(c context.Context) (answer, error) {
		select {
		case a := <-reply:
			return a, nil
		case <-c.Done():
			return answer{}, nil
		}
	}, func(ctx actor.Context, a answer, _ error) {
		if a.known && !a.on {
			then(ctx, errNotOnWhatsApp(jid))
			return
		}
		then(ctx, nil)
	})
}

// errNotOnWhatsApp is the 422 of a send to a phone number without a WhatsApp account.
func errNotOnWhatsApp(jid string) error {
	return &domain.Error{Code: domain.CodeNotOnWhatsApp, Message: sessions.WhatsAppPhone(jid) + " is not on WhatsApp"}
}

// sendToNumber finds or creates the chat of a phone number on a WhatsApp channel and sends.
func (t *tenantActor) sendToNumber(ctx actor.Context, channelID uuid.UUID, jid string, send func(ctx actor.Context, chatID uuid.UUID),
	fail func(error)) {
	key := contactKey{channelID: channelID, platformID: jid}
	if chatID, ok := t.contacts[key]; ok {
		send(ctx, chatID)
		return
	}
	store, phone := t.store, sessions.WhatsAppPhone(jid)
	async(t, ctx, t.dbTimeout(), func(c context.Context) (uuid.UUID, error) {
		return store.ResolveContact(c, persistence.Contact{ChannelID: channelID, PlatformCustomerID: jid, Phone: &phone})
	}, func(ctx actor.Context, chatID uuid.UUID, err error) {
		if err != nil {
			fail(err)
			return
		}
		t.contacts[key] = chatID
		send(ctx, chatID)
	})
}

// whatsappSendChannel calls then with the channel a send to a phone number goes through: the one named
// (which must be one of the tenant's WhatsApp channels) or the default one.
func (t *tenantActor) whatsappSendChannel(ctx actor.Context, caller node.Caller, channelID uuid.UUID,
	then func(ctx actor.Context, channelID uuid.UUID, err error)) {
	if channelID == uuid.Nil {
		t.whatsappChannel(ctx, caller, false, then)
		return
	}
	t.withChannel(ctx, channelID, func(ctx actor.Context, info *channelInfo, err error) {
		switch {
		case errors.Is(err, domain.ErrNotFound):
			err = domain.InvalidField("channelId", "no such channel")
		case err == nil && info.platform != domain.PlatformWhatsApp:
			err = domain.InvalidField("channelId", "is not a WhatsApp channel")
		}
		then(ctx, channelID, err)
	})
}
