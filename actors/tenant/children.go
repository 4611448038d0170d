package tenant

import (
	"context"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// conversationRef tracks one conversation child. While it is stopping, requests for its chat wait in
// buffered and go to its successor, so a chat never has two writers and never loses a request.
type conversationRef struct {
	pid      *actor.PID
	stopping bool
	buffered []*convRequest
}

// sessionRef tracks one channel session child.
type sessionRef struct {
	pid      *actor.PID
	platform string
	live     bool
	// status is the session's last reported state, shown to operators.
	status any
}

// toConversation delivers a request to the chat's actor, starting it when needed.
func (t *tenantActor) toConversation(ctx actor.Context, chatID uuid.UUID, req *convRequest) {
	ref := t.convs[chatID]
	if ref == nil {
		ref = &conversationRef{pid: ctx.Spawn(t.conversationProps(chatID))}
		t.convs[chatID] = ref
		t.convByID[ref.pid.Id] = chatID
	}
	if ref.stopping {
		ref.buffered = append(ref.buffered, req)
		return
	}
	ctx.Send(ref.pid, req)
}

// childTerminated forgets a stopped child; a conversation with buffered requests is started again at once.
func (t *tenantActor) childTerminated(ctx actor.Context, who *actor.PID) {
	if chatID, ok := t.convByID[who.Id]; ok {
		delete(t.convByID, who.Id)
		ref := t.convs[chatID]
		delete(t.convs, chatID)
		if ref != nil {
			for _, req := range ref.buffered {
				t.toConversation(ctx, chatID, req)
			}
		}
		return
	}
	for id, s := range t.sessions {
		if s.pid.Equal(who) {
			delete(t.sessions, id)
			return
		}
	}
}

// stopConversation stops a chat's conversation actor once nothing is in flight; requests that arrive
// meanwhile wait for its successor, which loads the chat afresh.
func (t *tenantActor) stopConversation(ctx actor.Context, chatID uuid.UUID) {
	if ref := t.convs[chatID]; ref != nil && !ref.stopping {
		ref.stopping = true
		ctx.Send(ref.pid, &convStop{})
	}
}

// receiveInternal handles the messages children send their tenant.
func (t *tenantActor) receiveInternal(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *convIdle:
		t.stopConversation(ctx, msg.chatID)
	case *queries.ReloadChat:
		t.stopConversation(ctx, msg.ChatID)
	case *channels.OutboundReady:
		if s := t.session(ctx, msg.ChannelID, msg.Platform); s != nil {
			ctx.Send(s.pid, msg)
		}
	case *channels.ReadReceipts:
		if s := t.sessions[msg.ChannelID]; s != nil {
			ctx.Send(s.pid, msg)
		}
	case *channels.TypingSignal:
		if s := t.sessions[msg.ChannelID]; s != nil {
			ctx.Send(s.pid, msg)
		}
	case *contactResolved:
		t.contactResolved(ctx, msg)
	case *inboundMediaStored:
		t.inboundMediaStored(ctx, msg)
	case *channels.SendReport:
		t.reportStatus(ctx, msg.ChatID, msg.Change)
	case *channels.MediaSettled:
		t.mediaSettled(ctx, msg)
	case *queries.ChannelChanged:
		t.forgetChannel(ctx, msg)
	case *ops.WebhooksChanged:
		if t.webhooks != nil {
			ctx.Send(t.webhooks, msg)
		}
	case *ops.WebhookPoke:
		if t.webhooks != nil {
			ctx.Send(t.webhooks, &webhookPoke{})
		}
	case *webhookBacklog:
		t.webhookPending = msg.pending
		if msg.pending {
			t.afterWakeup(ctx, "webhook deliveries", func(actor.Context) {})
		}
	case *autoAssignWanted:
		t.autoAssignQueued(ctx, msg.chatID)
	case *queries.AutoAssignChanged:
		t.startPresence(ctx)
	case *protos.PresenceReport:
		t.presenceReported(ctx, msg)
	case *presenceTick:
		t.presenceTicked(ctx)
	case *presenceReady:
		t.presenceIsReady(ctx)
	case *restoreSessionsNow:
		t.restoreSessions(ctx, msg.whatsapp)
	case *snoozeDue:
		t.checkSnoozes(ctx, true)
	case *snoozeSet:
		t.snoozed(ctx, msg.at)
	case *pendingChannels:
		for _, ch := range msg.channels {
			t.session(ctx, ch.ChannelID, ch.PlatformType)
		}
	default:
		t.receiveSessionMessage(ctx)
	}
}

// pendingChannels lists the channels that had unsent messages when the tenant activated.
type pendingChannels struct {
	channels []persistence.Channel
}

// restoreSessionsNow asks the tenant actor to restore its WhatsApp sessions, among the active numbers read at
// activation, once the channels with pending sends have their session.
type restoreSessionsNow struct {
	whatsapp []persistence.ChannelMeta
}

// afterActivation resumes what a previous activation left: channels with pending sends get their session
// started, which drains the outbox from the database; then the sessions that were connected are restored,
// snoozes that ended meanwhile are ended, and the event webhook dispatcher starts if an endpoint is
// active. What to resume is read in one round trip (persistence.ResumeReads) off the mailbox, after the
// activation answered; only pending sends need more reads (their channels).
func (t *tenantActor) afterActivation(ctx actor.Context) {
	self := ctx.Self()
	root := ctx.ActorSystem().Root
	store, log := t.store, t.log
	life, timeout := t.life, t.node.Deps().Config.ActivationTimeout
	go func() {
		c, cancel := context.WithTimeout(life, timeout)
		defer cancel()
		reads, err := store.ResumeReads(c)
		if err != nil {
			// The snooze check retries by itself (applySnoozeScan arms its timer); the rest waits for the
			// idle check, which finds pending sends again.
			log.Error("reading what to resume (pending sends, sessions, snoozes, webhooks)", "err", err)
			root.Send(self, &reentry{fn: func(ctx actor.Context) { t.applySnoozeScan(ctx, persistence.SnoozeScan{}, err, false) }})
			return
		}
		pendingSends(c, store, log, reads.PendingChannels, func(msg any) { root.Send(self, msg) })
		root.Send(self, &restoreSessionsNow{whatsapp: reads.WhatsApp})
		root.Send(self, &reentry{fn: func(ctx actor.Context) { t.applySnoozeScan(ctx, reads.Snoozes, nil, false) }})
		if reads.Webhooks {
			root.Send(self, &ops.WebhooksChanged{})
		}
	}()
}

// pendingSends reads the channels with unsent messages and sends them to the tenant as pendingChannels.
func pendingSends(c context.Context, store *persistence.TenantStore, log *slog.Logger, ids []uuid.UUID, send func(any)) {
	var channels []persistence.Channel
	for _, id := range ids {
		ch, err := store.GetChannel(c, id)
		if err == nil {
			channels = append(channels, ch)
		}
	}
	if len(channels) > 0 {
		send(&pendingChannels{channels: channels})
	}
}

func (t *tenantActor) hasLiveSessions() bool {
	for _, s := range t.sessions {
		if s.live {
			return true
		}
	}
	return false
}

// reportStatus hands a session's report on an outbound message to its chat; nobody waits for it.
func (t *tenantActor) reportStatus(ctx actor.Context, chatID uuid.UUID, change persistence.StatusChange) {
	r := &request{op: "conversation.status"}
	done := answerer[ops.StatusResult](ctx.ActorSystem(), t.log, r)
	t.toConversation(ctx, chatID, chatRequest(r.op, change, func(c *conversationActor, ctx actor.Context, ch persistence.StatusChange,
		done func(ops.StatusResult, error)) {
		c.status(ctx, ch, true, done)
	}, done))
}
