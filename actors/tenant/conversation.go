package tenant

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
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

	conv     persistence.Conversation
	loadErr  error
	inflight int
	stopping bool
}

func (t *tenantActor) conversationProps(chatID uuid.UUID) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &conversationActor{node: t.node, tenantID: t.tenantID, chatID: chatID, store: t.store, writer: t.writer,
			log: t.log.With("chat_id", chatID.String())}
	}, actor.WithDispatcher(node.Dispatcher))
}

func (c *conversationActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		metricActiveConversations.Inc()
		c.load()
		ctx.SetReceiveTimeout(c.node.Deps().Config.ConversationIdleTimeout)
	case *actor.Stopped:
		metricActiveConversations.Dec()
	case *convRequest:
		if c.loadErr != nil {
			c.respond(ctx, msg, nil, c.loadErr)
			ctx.Send(ctx.Parent(), &convIdle{chatID: c.chatID})
			return
		}
		c.handle(ctx, msg)
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

func (c *conversationActor) load() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.conv, c.loadErr = c.store.GetConversation(ctx, c.chatID)
}

func (c *conversationActor) handle(ctx actor.Context, req *convRequest) {
	switch in := req.input.(type) {
	case *ops.SendInput:
		c.send(ctx, req, in)
	case *inboundInput:
		c.inbound(ctx, req, in)
	case *statusInput:
		c.status(ctx, req, in)
	case *ops.ChatRef: // mark as read
		c.markRead(ctx, req)
	case *ops.TypingInput:
		if c.conv.PlatformChatID != nil {
			ctx.Send(ctx.Parent(), &channels.TypingSignal{ChannelID: c.conv.ChannelID, PlatformChatID: *c.conv.PlatformChatID, On: in.On})
		}
		c.respond(ctx, req, struct{}{}, nil)
	default:
		c.respond(ctx, req, nil, domain.BadRequest("operation %s is not a chat operation", req.op))
	}
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

func (c *conversationActor) send(ctx actor.Context, req *convRequest, in *ops.SendInput) {
	sender := in.SenderType
	if sender == "" {
		sender = domain.SenderAgent
	}
	nm := persistence.NewOutbound{
		MessageID:         uuid.Must(uuid.NewV7()),
		ChatID:            c.chatID,
		PlatformMessageID: sessions.NewPlatformMessageID(c.conv.Platform),
		SenderType:        sender,
		ContentType:       in.ContentType,
		Content:           in.Content,
		Metadata:          in.Metadata,
	}
	if in.IdempotencyKey != "" {
		nm.IdempotencyKey = &in.IdempotencyKey
	}
	out := &persistence.OutboundResult{}
	start := time.Now()
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueOutbound(b, nm, out) }, func(ctx actor.Context, err error) {
		metricSendSeconds.Observe(time.Since(start).Seconds())
		if err != nil {
			c.respond(ctx, req, nil, err)
			return
		}
		if !out.Created && !sameSend(out.Message, nm) {
			c.respond(ctx, req, nil, errIdempotencyReused)
			return
		}
		c.respond(ctx, req, ops.SendResult{Message: out.Message}, nil)
		if !out.Created {
			return
		}
		metricMessages.WithLabelValues("out").Inc()
		m := out.Message
		preview := persistence.Preview(m.ContentType, m.Content)
		c.conv.LastMessage, c.conv.LastMessageAt = &preview, &m.Timestamp
		c.node.Publish(c.tenantID, ops.EventMessageStatus, ops.MessageStatusEvent{MessageID: m.MessageID, ChatID: m.ChatID,
			PlatformMessageID: m.PlatformMessageID, Status: m.Status, Message: &m})
		c.node.Publish(c.tenantID, ops.EventConversationUpdated, c.conv)
		ctx.Send(ctx.Parent(), &channels.OutboundReady{ChannelID: c.conv.ChannelID, Platform: c.conv.Platform, Msg: c.outbound(m)})
	})
}

func (c *conversationActor) outbound(m persistence.Message) sessions.Outbound {
	to := c.conv.PlatformCustomerID
	if c.conv.PlatformChatID != nil {
		to = *c.conv.PlatformChatID
	}
	pmid := ""
	if m.PlatformMessageID != nil {
		pmid = *m.PlatformMessageID
	}
	return sessions.Outbound{MessageID: m.MessageID, ChatID: m.ChatID, PlatformMessageID: pmid, To: to,
		ContentType: m.ContentType, Content: m.Content, Metadata: m.Metadata, Timestamp: m.Timestamp}
}

func (c *conversationActor) inbound(ctx actor.Context, req *convRequest, in *inboundInput) {
	out := &persistence.InboundResult{}
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueInbound(b, in.msg, out) }, func(ctx actor.Context, err error) {
		if err != nil {
			c.respond(ctx, req, nil, err)
			return
		}
		c.respond(ctx, req, ops.InboundResult{MessageID: out.Message.MessageID, ChatID: c.chatID, Duplicate: out.Duplicate}, nil)
		if out.Duplicate {
			return
		}
		metricMessages.WithLabelValues("in").Inc()
		m := out.Message
		preview := persistence.Preview(m.ContentType, m.Content)
		c.conv.UnreadCount = out.UnreadCount
		if c.conv.LastMessageAt == nil || !m.Timestamp.Before(*c.conv.LastMessageAt) {
			c.conv.LastMessage, c.conv.LastMessageAt = &preview, &m.Timestamp
		}
		c.node.Publish(c.tenantID, ops.EventIncomingMessage, ops.IncomingMessageEvent{Message: m, Conversation: c.conv})
		c.node.Publish(c.tenantID, ops.EventConversationUpdated, c.conv)
	})
}

func (c *conversationActor) status(ctx actor.Context, req *convRequest, in *statusInput) {
	var moved []persistence.Message
	write := c.write
	if req.sender == nil { // a session's report: nobody waits, it may share another commit
		write = c.writeLazy
	}
	write(ctx, func(b *pgx.Batch) { persistence.QueueStatus(b, c.chatID, in.change, &moved) }, func(ctx actor.Context, err error) {
		if err != nil {
			c.log.Error("recording message status", "status", in.change.Status, "err", err)
			c.respond(ctx, req, nil, err)
			return
		}
		for _, m := range moved {
			c.node.Publish(c.tenantID, ops.EventMessageStatus, ops.MessageStatusEvent{MessageID: m.MessageID, ChatID: m.ChatID,
				PlatformMessageID: m.PlatformMessageID, Status: m.Status, Error: m.Error})
		}
		c.respond(ctx, req, struct {
			Updated int `json:"updated"`
		}{len(moved)}, nil)
	})
}

func (c *conversationActor) markRead(ctx actor.Context, req *convRequest) {
	var ids []string
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueMarkRead(b, c.chatID, &ids) }, func(ctx actor.Context, err error) {
		if err != nil {
			c.respond(ctx, req, nil, err)
			return
		}
		c.respond(ctx, req, ops.ReadResult{UnreadCount: 0}, nil)
		if len(ids) > 0 || c.conv.UnreadCount != 0 {
			c.conv.UnreadCount = 0
			c.node.Publish(c.tenantID, ops.EventConversationUpdated, c.conv)
		}
		if len(ids) > 0 && c.conv.PlatformChatID != nil {
			ctx.Send(ctx.Parent(), &channels.ReadReceipts{ChannelID: c.conv.ChannelID, PlatformChatID: *c.conv.PlatformChatID, IDs: ids})
		}
	})
}

// respond answers the requester of req, if it has one.
func (c *conversationActor) respond(ctx actor.Context, req *convRequest, res any, err error) {
	if req.sender == nil {
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			c.log.Error("internal chat operation failed", "op", req.op, "err", err)
		}
		return
	}
	var cmd = req.cmd
	if cmd == nil {
		cmd = &node.Command{}
	}
	ctx.Send(req.sender, node.Reply(res, err, c.log, cmd.TenantCommand))
}
