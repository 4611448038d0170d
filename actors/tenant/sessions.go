package tenant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// session returns the running session of a channel, starting it when needed; nil when the platform has none.
func (t *tenantActor) session(ctx actor.Context, channelID uuid.UUID, platform string) *sessionRef {
	if s := t.sessions[channelID]; s != nil {
		return s
	}
	var props *actor.Props
	var status any
	switch platform {
	case domain.PlatformAPI:
		stats := &channels.APIQueueStats{}
		status = stats
		props = channels.APISessionProps(t.node, t.store, channelID, t.log, &t.outboundQueued, stats)
	case domain.PlatformWhatsApp:
		// The lease holder names this node and this session; a restart after a crash keeps it, so the
		// restarted session takes over its own lease at once.
		props = channels.WhatsAppProps(t.node, t.tenantID, t.store, channelID, ctx.ActorSystem().Address()+"/"+randomSuffix(), t.waNumbers, t.log)
	default:
		return nil
	}
	s := &sessionRef{pid: ctx.Spawn(props), platform: platform, status: status}
	t.sessions[channelID] = s
	return s
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// HandleFailure makes the tenant actor the supervisor of its children, as the specs in supervision.go
// declare: a crashing session restarts after an exponentially growing pause (sessionSupervision) and
// never takes the tenant or its chats down; every other child follows tenantSupervision.
func (t *tenantActor) HandleFailure(system *actor.ActorSystem, supervisor actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason interface{}, message interface{}) {
	for id, s := range t.sessions {
		if s.pid.Equal(child) {
			t.log.Error("session crashed, restarting with backoff", "channel_id", id, "platform", s.platform, "reason", reason)
			metricActorRestarts.WithLabelValues(sessionSupervision.name).Inc()
			sessionStrategy.HandleFailure(system, supervisor, child, rs, reason, message)
			return
		}
	}
	tenantStrategy.HandleFailure(system, supervisor, child, rs, reason, message)
}

var (
	sessionStrategy = sessionSupervision.strategy()
	tenantStrategy  = tenantSupervision.strategy()
)

// restoreSessions reconnects, on activation, the WhatsApp sessions that were running before: channels
// whose metadata says the session should run and a device is stored reconnect without a QR code.
func (t *tenantActor) restoreSessions(ctx actor.Context, active []persistence.ChannelMeta) {
	var ids []uuid.UUID
	for _, ch := range active {
		if m := channels.ReadChannelMeta(ch.Metadata); m.AutoConnect && m.HasDevice {
			ids = append(ids, ch.ChannelID)
		}
	}
	if len(ids) > 0 {
		ctx.Send(ctx.Self(), &restoreWhatsApp{channels: ids})
	}
}

// receiveSessionMessage handles messages from session actors about their connection.
func (t *tenantActor) receiveSessionMessage(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *restoreWhatsApp:
		t.afterWakeup(ctx, "whatsapp session", func(actor.Context) {})
		for _, id := range msg.channels {
			t.session(ctx, id, domain.PlatformWhatsApp)
		}
	case *channels.SessionLive:
		if s := t.sessions[msg.ChannelID]; s != nil && s.pid.Equal(msg.PID) {
			s.live = msg.Live
		}
		if msg.Live {
			t.afterWakeup(ctx, "whatsapp session", func(actor.Context) {})
		}
	case *channels.CustomerPresence:
		t.customerPresence(ctx, msg)
	case *channels.WAInbound:
		r := &request{op: opWhatsAppInbound, sender: msg.ReplyTo}
		t.acceptInbound(ctx, msg.ChannelID, msg.Input, answerer[ops.InboundResult](ctx.ActorSystem(), t.log, r))
	case *channels.WAUpdateIn:
		t.whatsappUpdate(ctx, msg)
	}
}

// whatsappUpdate finds the message a reaction, edit or revoke names (off the mailbox) and hands the change
// to its chat's conversation actor. A message the engine does not have is answered at once: there is
// nothing to change, and WhatsApp must not deliver the change again.
func (t *tenantActor) whatsappUpdate(ctx actor.Context, msg *channels.WAUpdateIn) {
	done := answerer[ops.InboundResult](ctx.ActorSystem(), t.log, &request{op: opWhatsAppUpdate, sender: msg.ReplyTo})
	store := t.store
	async(t, ctx, t.dbTimeout(), func(c context.Context) (persistence.Message, error) {
		return store.GetMessageByPlatformID(c, msg.Update.TargetID)
	}, func(ctx actor.Context, m persistence.Message, err error) {
		if errors.Is(err, domain.ErrNotFound) {
			done(ops.InboundResult{Duplicate: true}, nil)
			return
		}
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		u := channelUpdate{message: m, chat: msg.Chat, fromMe: msg.FromMe, update: msg.Update, at: msg.At}
		t.toConversation(ctx, m.ChatID, chatRequest(opWhatsAppUpdate, u, (*conversationActor).applyUpdate, done))
	})
}

// opWhatsAppUpdate names the internal request that applies a reaction, edit or revoke WhatsApp delivered.
const opWhatsAppUpdate = "whatsapp.update"

// restoreWhatsApp lists the channels whose sessions must reconnect after activation.
type restoreWhatsApp struct {
	channels []uuid.UUID
}

// opWhatsAppInbound names the internal request that stores a message WhatsApp delivered.
const opWhatsAppInbound = "whatsapp.inbound"
