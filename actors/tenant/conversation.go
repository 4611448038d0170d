package tenant

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// conversationActor is the only writer of one chat's state. It applies inbound messages, sends, receipts
// and mark-as-read in arrival order; its writes go through the tenant's db writer, pipelined: it does not
// wait for one commit before queuing the next, and answers each requester once its write has committed.
type conversationActor struct {
	node     *node.Node
	tenantID uuid.UUID
	chatID   uuid.UUID
	store    *persistence.TenantStore
	writer   *actor.PID
	log      *slog.Logger
	// visibility is the tenant's agent visibility setting (shared with the tenant actor).
	visibility *queries.Visibility
	// waNumbers is the tenant's cache of which phone numbers are on WhatsApp (shared with the tenant actor).
	waNumbers *channels.WANumbers
	// autoAssign is the tenant's automatic assignment setting (shared with the tenant actor).
	autoAssign *queries.AutoAssignSetting

	conv    persistence.Conversation
	loadErr error
	// loaded is set once the chat is read; the requests that arrive before wait in early, in order.
	loaded   bool
	early    []*convRequest
	inflight int
	stopping bool
}

func (t *tenantActor) conversationProps(chatID uuid.UUID) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &conversationActor{node: t.node, tenantID: t.tenantID, chatID: chatID, store: t.store, writer: t.writer,
			log: t.log.With("chat_id", chatID.String()), visibility: t.visibility, waNumbers: t.waNumbers,
			autoAssign: t.autoAssign}
	}, actor.WithDispatcher(node.Dispatcher))
}

func (c *conversationActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		metricActiveConversations.Inc()
		c.load(ctx)
		ctx.SetReceiveTimeout(c.node.Deps().Config.ConversationIdleTimeout)
	case *actor.Stopped:
		metricActiveConversations.Dec()
	case *convRequest:
		if !c.loaded {
			c.early = append(c.early, msg)
			return
		}
		c.request(ctx, msg)
	case *convReentry:
		c.inflight--
		msg.fn(ctx)
		if c.stopping && c.inflight == 0 {
			ctx.Stop(ctx.Self())
		}
	case *writeDone:
		c.inflight--
		msg.job.then(ctx, msg.err)
		if c.stopping && c.inflight == 0 {
			ctx.Stop(ctx.Self())
		}
	case *actor.ReceiveTimeout:
		if c.inflight == 0 {
			ctx.Send(ctx.Parent(), &convIdle{chatID: c.chatID})
		}
	case *convStop:
		c.stopping = true
		if c.inflight == 0 {
			ctx.Stop(ctx.Self())
		}
	}
}

// load reads the chat off the mailbox (convAsync); the requests that arrive meanwhile wait in early and
// then run in their order of arrival, before any later one. The actor does not stop while it loads.
func (c *conversationActor) load(ctx actor.Context) {
	store, chatID := c.store, c.chatID
	convAsync(c, ctx, func(cx context.Context) (persistence.Conversation, error) { return store.GetConversation(cx, chatID) },
		func(ctx actor.Context, conv persistence.Conversation, err error) {
			c.conv, c.loadErr, c.loaded = conv, err, true
			early := c.early
			c.early = nil
			for _, req := range early {
				c.request(ctx, req)
			}
		})
}

// request runs one request on the loaded chat: a chat that could not be loaded fails it (and asks the tenant
// to stop this actor, so that the next request loads afresh), a chat the requester may not see is not found.
func (c *conversationActor) request(ctx actor.Context, req *convRequest) {
	if c.loadErr != nil {
		req.fail(c.loadErr)
		ctx.Send(ctx.Parent(), &convIdle{chatID: c.chatID})
		return
	}
	if !req.viewer.CanSee(c.visibility.Get(), c.conv.Assignee) {
		req.fail(domain.NotFound("conversation"))
		return
	}
	req.run(c, ctx)
}

// typing shows or hides the typing indicator on the customer's side, where the channel supports it.
func (c *conversationActor) typing(ctx actor.Context, in ops.TypingInput, done func(ops.None, error)) {
	if c.conv.PlatformChatID != nil {
		ctx.Send(ctx.Parent(), &channels.TypingSignal{ChannelID: c.conv.ChannelID, PlatformChatID: *c.conv.PlatformChatID, On: in.On})
	}
	done(ops.None{}, nil)
}

// view is the chat as the inbox shows it.
func (c *conversationActor) view() ops.Conversation { return queries.ConversationView(c.conv) }

// publishIncoming publishes a customer's new message: incoming_message {message, conversation} and
// conversation_updated, the conversation encoded once for both; nothing when nobody listens.
func (c *conversationActor) publishIncoming(m persistence.Message) {
	if !c.node.Listened(c.tenantID) {
		return
	}
	msg, err := json.Marshal(queries.MessageView(m))
	if err != nil {
		c.log.Error("encoding event", "event", ops.EventIncomingMessage, "err", err)
		return
	}
	view, err := json.Marshal(c.view())
	if err != nil {
		c.log.Error("encoding event", "event", ops.EventConversationUpdated, "err", err)
		return
	}
	audience := c.visibility.Audience(c.conv.Assignee)
	c.node.PublishJSON(c.tenantID, ops.EventIncomingMessage, incomingJSON(msg, view), audience)
	c.node.PublishJSON(c.tenantID, ops.EventConversationUpdated, view, audience)
}

// incomingJSON is the JSON of ops.IncomingMessageEvent from its two parts, already encoded.
func incomingJSON(msg, view []byte) []byte {
	out := make([]byte, 0, len(msg)+len(view)+len(`{"message":,"conversation":}`))
	out = append(out, `{"message":`...)
	out = append(out, msg...)
	out = append(out, `,"conversation":`...)
	out = append(out, view...)
	return append(out, '}')
}

// publish sends an event about this chat to those who may see it.
func (c *conversationActor) publish(event string, payload any) {
	c.node.PublishTo(c.tenantID, event, payload, c.visibility.Audience(c.conv.Assignee))
}

// write queues a job on the db writer; then runs on this actor once the job has committed or failed.
func (c *conversationActor) write(ctx actor.Context, queue func(b *pgx.Batch), then func(ctx actor.Context, err error)) {
	c.inflight++
	ctx.Send(c.writer, &writeJob{queue: queue, replyTo: ctx.Self(), then: then})
}

// writeLazy is write for work nobody waits on: it may wait a little to share another job's commit.
func (c *conversationActor) writeLazy(ctx actor.Context, queue func(b *pgx.Batch), then func(ctx actor.Context, err error)) {
	c.inflight++
	ctx.Send(c.writer, &writeJob{queue: queue, replyTo: ctx.Self(), then: then, lazy: true})
}

// send commits a PENDING outbound message (with its platform id chosen now), answers, then hands it to the
// channel's session. A repeated idempotency key answers the first message, or 422 if the body differs.
func (c *conversationActor) send(ctx actor.Context, in ops.SendInput, done func(ops.SendResult, error)) {
	sender := in.SenderType
	if sender == "" {
		sender = domain.SenderAgent
	}
	if err := checkMediaSend(c.conv.Platform, in); err != nil {
		done(ops.SendResult{}, err)
		return
	}
	if to := c.recipient(); c.conv.Platform == domain.PlatformWhatsApp && c.waNumbers.NotOn(to) {
		done(ops.SendResult{}, errNotOnWhatsApp(to))
		return
	}
	nm := persistence.NewOutbound{
		MessageID:         uuid.Must(uuid.NewV7()),
		ChatID:            c.chatID,
		PlatformMessageID: sessions.NewPlatformMessageID(c.conv.Platform),
		SenderType:        sender,
		ContentType:       in.ContentType,
		Content:           in.Content,
		Metadata:          in.Metadata,
		MediaID:           in.MediaID,
		ReplyToMessageID:  in.ReplyToMessageID,
	}
	if in.IdempotencyKey != "" {
		nm.IdempotencyKey = &in.IdempotencyKey
	}
	out := &persistence.OutboundResult{}
	start := time.Now()
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueOutbound(b, nm, out) }, func(ctx actor.Context, err error) {
		metricSendSeconds.Observe(time.Since(start).Seconds())
		if err != nil {
			done(ops.SendResult{}, err)
			return
		}
		c.store.SignMessage(&out.Message)
		if !out.Created && !sameSend(out.Message, nm) {
			done(ops.SendResult{}, errIdempotencyReused)
			return
		}
		done(ops.SendResult{Message: queries.MessageView(out.Message)}, nil)
		if !out.Created {
			return
		}
		metricMessages.WithLabelValues("out").Inc()
		m := out.Message
		preview := persistence.Preview(m.ContentType, m.Content)
		c.conv.LastMessage, c.conv.LastMessageAt = &preview, &m.Timestamp
		if c.node.Listened(c.tenantID) {
			view := queries.MessageView(m)
			c.publish(ops.EventMessageStatus, ops.MessageStatusEvent{MessageID: m.MessageID, ChatID: m.ChatID,
				PlatformMessageID: m.PlatformMessageID, Status: m.Status, Message: &view})
			c.publish(ops.EventConversationUpdated, c.view())
		}
		ctx.Send(ctx.Parent(), &channels.OutboundReady{ChannelID: c.conv.ChannelID, Platform: c.conv.Platform, Msg: c.outbound(m)})
	})
}

// recipient is the platform address the chat's messages go to.
func (c *conversationActor) recipient() string {
	if c.conv.PlatformChatID != nil {
		return *c.conv.PlatformChatID
	}
	return c.conv.PlatformCustomerID
}

func (c *conversationActor) outbound(m persistence.Message) sessions.Outbound {
	to := c.recipient()
	pmid := ""
	if m.PlatformMessageID != nil {
		pmid = *m.PlatformMessageID
	}
	return sessions.Outbound{MessageID: m.MessageID, ChatID: m.ChatID, PlatformMessageID: pmid, To: to,
		ContentType: m.ContentType, Content: m.Content, Metadata: m.Metadata, Timestamp: m.Timestamp, Media: channels.MediaOf(m.Media),
		ReplyTo: channels.ReplyOf(m.ReplyTo)}
}

// inbound commits a customer's message (de-duplicated by its platform id) and answers once it is durable.
func (c *conversationActor) inbound(ctx actor.Context, msg persistence.NewInbound, done func(ops.InboundResult, error)) {
	if msg.History {
		c.history(ctx, msg, done)
		return
	}
	if msg.FromPhone {
		c.phoneSent(ctx, msg, done)
		return
	}
	out := &persistence.InboundResult{}
	then := func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		done(ops.InboundResult{MessageID: out.Message.MessageID, ChatID: c.chatID, Duplicate: out.Duplicate}, nil)
		if out.Duplicate {
			return
		}
		metricMessages.WithLabelValues("in").Inc()
		m := out.Message
		c.store.SignMessage(&m)
		c.conv.UnreadCount = out.UnreadCount
		c.moveLastMessage(m)
		if out.ChatStatus != "" && out.ChatStatus != c.conv.Status {
			c.conv.Status, c.conv.SnoozedUntil = out.ChatStatus, nil
		}
		c.publishIncoming(m)
		if c.conv.Assignee == nil && c.autoAssign.Get().Enabled && (c.conv.Status == domain.ChatOpen || c.conv.Status == domain.ChatPending) {
			ctx.Send(ctx.Parent(), &autoAssignWanted{chatID: c.chatID})
		}
	}
	// Not c.write: the writer stores the customers' messages of a group commit with one statement.
	c.inflight++
	ctx.Send(c.writer, &writeJob{inbound: &msg, inboundOut: out, replyTo: ctx.Self(), then: then})
}

// status moves outbound messages of the chat forward (a send result or a receipt); lazy when nobody waits
// (a session's report), so that it may share another job's commit.
func (c *conversationActor) status(ctx actor.Context, change persistence.StatusChange, lazy bool, done func(ops.StatusResult, error)) {
	var moved []persistence.Message
	write := c.write
	if lazy {
		write = c.writeLazy
	}
	write(ctx, func(b *pgx.Batch) { persistence.QueueStatus(b, c.chatID, change, &moved) }, func(ctx actor.Context, err error) {
		if err != nil {
			c.log.Error("recording message status", "status", change.Status, "err", err)
			done(ops.StatusResult{}, err)
			return
		}
		if c.node.Listened(c.tenantID) {
			for _, m := range moved {
				c.publish(ops.EventMessageStatus, ops.MessageStatusEvent{MessageID: m.MessageID, ChatID: m.ChatID,
					PlatformMessageID: m.PlatformMessageID, Status: m.Status, Error: m.Error})
			}
		}
		done(ops.StatusResult{Updated: len(moved)}, nil)
	})
}

// markRead marks the customer's messages read and sends read receipts where the channel supports them.
func (c *conversationActor) markRead(ctx actor.Context, _ ops.ChatRef, done func(ops.ReadResult, error)) {
	var ids []string
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueMarkRead(b, c.chatID, &ids) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.ReadResult{}, err)
			return
		}
		done(ops.ReadResult{UnreadCount: 0}, nil)
		if len(ids) > 0 || c.conv.UnreadCount != 0 {
			c.conv.UnreadCount = 0
			c.publish(ops.EventConversationUpdated, c.view())
		}
		if len(ids) > 0 && c.conv.PlatformChatID != nil {
			ctx.Send(ctx.Parent(), &channels.ReadReceipts{ChannelID: c.conv.ChannelID, PlatformChatID: *c.conv.PlatformChatID, IDs: ids})
		}
	})
}

// phoneSent commits a message the business sent from its WhatsApp phone or another linked device: an AGENT
// message with origin PHONE, already SENT, that is not unread and does not reopen the chat. Its WhatsApp id
// de-duplicates it against the engine's own sends (stored with that id before they went out) and against
// re-deliveries; clients hear it as a message_status with the message, like a send from the inbox.
func (c *conversationActor) phoneSent(ctx actor.Context, msg persistence.NewInbound, done func(ops.InboundResult, error)) {
	out := &persistence.InboundResult{}
	c.write(ctx, func(b *pgx.Batch) { persistence.QueuePhoneSent(b, msg, out) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		done(ops.InboundResult{MessageID: out.Message.MessageID, ChatID: c.chatID, Duplicate: out.Duplicate}, nil)
		if out.Duplicate {
			return
		}
		metricMessages.WithLabelValues("out").Inc()
		m := out.Message
		c.store.SignMessage(&m)
		c.moveLastMessage(m)
		view := queries.MessageView(m)
		c.publish(ops.EventMessageStatus, ops.MessageStatusEvent{MessageID: m.MessageID, ChatID: m.ChatID,
			PlatformMessageID: m.PlatformMessageID, Status: m.Status, Message: &view})
		c.publish(ops.EventConversationUpdated, c.view())
	})
}

// history commits a message of WhatsApp's history import (see persistence.QueueHistory): read, reopening
// nothing, and announced by no event (the session publishes the import's progress per chunk instead; a
// per-message event for thousands of old messages would push clients past their frame budget).
func (c *conversationActor) history(ctx actor.Context, msg persistence.NewInbound, done func(ops.InboundResult, error)) {
	out := &persistence.InboundResult{}
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueHistory(b, msg, out) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		done(ops.InboundResult{MessageID: out.Message.MessageID, ChatID: c.chatID, Duplicate: out.Duplicate}, nil)
		if out.Duplicate {
			return
		}
		m := out.Message
		c.moveLastMessage(m)
	})
}

// moveLastMessage makes m the conversation's last message unless a newer one is already shown (as the
// statements that stored it did for the chat row).
func (c *conversationActor) moveLastMessage(m persistence.Message) {
	if c.conv.LastMessageAt == nil || !m.Timestamp.Before(*c.conv.LastMessageAt) {
		preview := persistence.Preview(m.ContentType, m.Content)
		c.conv.LastMessage, c.conv.LastMessageAt = &preview, &m.Timestamp
	}
}
