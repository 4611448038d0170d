package channels

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// apiSession delivers an API channel's outbound messages to its webhook, one at a time, oldest first.
//
// Memory is bounded: the session keeps only the ids of pending messages, at most
// AEZEN_OUTBOUND_QUEUE_PER_CHANNEL of them, and the tenant's sessions together at most
// AEZEN_OUTBOUND_QUEUE_PER_TENANT. A message's content is read from the outbox when it is sent. Messages
// beyond the bounds wait in the outbox table (where every PENDING message is listed anyway) and are read
// when the queue has room again. The exception is a message just committed and handed over (OutboundReady):
// its first attempt posts the message it came with, without reading it back (a round trip to PostgreSQL and
// a three-table join per send), for at most carryMax messages of the session at a time; retries and
// messages beyond that read the outbox as before.
//
// A failing message does not hold up the others: each message has its own attempts and backoff, and after
// any failure the channel pauses for AEZEN_WEBHOOK_BACKOFF before its next delivery, so a receiver that is
// down is not hammered. A message becomes SENT on a 2xx answer and FAILED after its last attempt. Every
// delivery of a message carries the same event id, so receivers can drop repeats; a message that failed
// once may arrive after later ones.
type apiSession struct {
	node      *node.Node
	store     *persistence.TenantStore
	channelID uuid.UUID
	log       *slog.Logger
	// tenantQueued counts the ids held by all API sessions of the tenant; stats is what operators see.
	tenantQueued *atomic.Int64
	stats        *APIQueueStats

	url, secret string
	// ready is set once the channel is read (its URL and secret); until then ids are queued, not sent.
	ready   bool
	loadErr error
	queue   []*pendingSend
	known   map[uuid.UUID]bool
	// overflow is set when a pending message was left in the outbox for lack of room.
	overflow bool
	loading  bool
	// refillAfter spaces out refills that found nothing new (the outbox's head is messages just settled,
	// whose status change is not committed yet).
	refillAfter time.Time
	busy        bool
	pausedTil   time.Time
	timerAt     time.Time
	// settled remembers the messages this session reported SENT or FAILED in the last settledFor: until the
	// status change is committed they are still in the outbox, and a refill must not queue them again.
	settled map[uuid.UUID]time.Time
	// carried counts the queued messages that hold their content (pendingSend.msg).
	carried int
}

const settledFor = 30 * time.Second

// carryMax bounds the messages a session holds with their content (the rest hold only their ids): with
// content of up to a few KB, a few hundred KB per channel at most.
const carryMax = 64

// pendingSend is one message waiting for delivery: its id, chat and its own retry schedule.
type pendingSend struct {
	id, chatID uuid.UUID
	attempt    int
	notBefore  time.Time
	// msg is the message as committed, when it was handed over with room to carry it: the first attempt
	// posts it without reading the outbox. Nil after that attempt.
	msg *sessions.Outbound
}

// APIQueueStats is an API session's queue as operators see it (ops tenant description).
type APIQueueStats struct {
	Queued   atomic.Int64
	Overflow atomic.Bool
}

// MarshalJSON shows the stats in the session's status.
func (s *APIQueueStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		QueuedIDs int64 `json:"queuedIds"`
		InOutbox  bool  `json:"moreInOutbox"`
	}{s.Queued.Load(), s.Overflow.Load()})
}

type deliveryResult struct {
	send *pendingSend
	err  error
	// gone is set when the message was no longer pending (sent or removed meanwhile).
	gone bool
}

// channelLoaded answers the read of the channel at start.
type channelLoaded struct {
	url, secret string
	err         error
}

// outboxLoaded answers a read of the outbox's pending ids.
type outboxLoaded struct {
	refs  []persistence.PendingRef
	limit int
	err   error
}

func (s *apiSession) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		s.known = make(map[uuid.UUID]bool)
		s.settled = make(map[uuid.UUID]time.Time)
		s.start(ctx)
	case *actor.Stopped, *actor.Restarting:
		s.tenantQueued.Add(-int64(len(s.queue)))
		s.queue = nil
		s.stats.Queued.Store(0)
	case *OutboundReady:
		m := &msg.Msg
		if m.Action != nil {
			m = nil // a WhatsApp action has no outbox row: the read finds it gone, as before
		}
		s.enqueue(msg.Msg.MessageID, msg.Msg.ChatID, m)
		s.kick(ctx)
	case *channelLoaded:
		s.channelLoaded(ctx, msg)
	case *outboxLoaded:
		s.loaded(ctx, msg)
	case *deliveryResult:
		s.delivered(ctx, msg)
	case *retryAt:
		s.timerAt = time.Time{}
		s.kick(ctx)
	}
}

// start reads the channel (its webhook URL and secret) off the mailbox; channelLoaded then reads the ids
// of the messages that earlier runs left pending. Messages handed over meanwhile are queued and wait.
func (s *apiSession) start(ctx actor.Context) {
	self, root, store, channelID, timeout := ctx.Self(), ctx.ActorSystem().Root, s.store, s.channelID, s.node.Deps().Config.DBTimeout
	node.Dispatcher.Schedule(func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		res := &channelLoaded{}
		ch, err := store.GetChannel(c, channelID)
		if err == nil {
			var sec persistence.ChannelSecrets
			sec, err = store.Secrets(ch)
			res.secret = sec.WebhookSecret
			if ch.WebhookURL != nil {
				res.url = *ch.WebhookURL
			}
		}
		res.err = err
		root.Send(self, res)
	})
}

func (s *apiSession) channelLoaded(ctx actor.Context, msg *channelLoaded) {
	if msg.err != nil {
		s.loadErr = msg.err
		s.log.Error("API channel session cannot start", "channel_id", s.channelID, "err", msg.err)
		return
	}
	s.url, s.secret, s.ready = msg.url, msg.secret, true
	s.overflow = true
	s.kick(ctx)
}

// room is how many more ids this session may hold.
func (s *apiSession) room() int {
	cfg := s.node.Deps().Config
	return min(cfg.OutboundQueuePerChannel-len(s.queue), cfg.OutboundQueuePerTenant-int(s.tenantQueued.Load()))
}

// enqueue queues a pending message by its id; msg, when not nil, is its committed content, kept for the
// first attempt while fewer than carryMax queued messages hold theirs.
func (s *apiSession) enqueue(id, chatID uuid.UUID, msg *sessions.Outbound) {
	if s.known[id] {
		return
	}
	if _, done := s.settled[id]; done {
		return
	}
	if s.room() <= 0 {
		// It is in the outbox; refill reads it when there is room.
		s.overflow = true
		s.stats.Overflow.Store(true)
		return
	}
	s.known[id] = true
	p := &pendingSend{id: id, chatID: chatID}
	if msg != nil && s.carried < carryMax {
		p.msg = msg
		s.carried++
	}
	s.queue = append(s.queue, p)
	s.tenantQueued.Add(1)
	s.stats.Queued.Store(int64(len(s.queue)))
}

// uncarry drops the content a pending message holds.
func (s *apiSession) uncarry(p *pendingSend) {
	if p.msg != nil {
		p.msg = nil
		s.carried--
	}
}

func (s *apiSession) remove(p *pendingSend) {
	for i, q := range s.queue {
		if q == p {
			s.uncarry(p)
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			delete(s.known, p.id)
			s.tenantQueued.Add(-1)
			s.stats.Queued.Store(int64(len(s.queue)))
			return
		}
	}
}

// refill reads pending ids from the outbox, off the mailbox, when messages were left there and the queue
// has room for a good share of them.
func (s *apiSession) refill(ctx actor.Context) {
	cfg := s.node.Deps().Config
	if !s.ready || !s.overflow || s.loading || s.loadErr != nil || s.room() < max(1, cfg.OutboundQueuePerChannel/2) && len(s.queue) > 0 {
		return
	}
	now := time.Now()
	if s.room() <= 0 || now.Before(s.refillAfter) {
		// The tenant's other channels hold its whole budget, or the last refill found nothing new: look
		// again in a while.
		at := now.Add(200 * time.Millisecond)
		if s.refillAfter.After(at) {
			at = s.refillAfter
		}
		s.schedule(ctx, at)
		return
	}
	for id, at := range s.settled {
		if now.Sub(at) > settledFor {
			delete(s.settled, id)
		}
	}
	s.loading = true
	limit := len(s.queue) + s.room()
	self, root, store, channelID, timeout := ctx.Self(), ctx.ActorSystem().Root, s.store, s.channelID, cfg.DBTimeout
	node.Dispatcher.Schedule(func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		refs, err := store.PendingIDs(c, channelID, limit)
		root.Send(self, &outboxLoaded{refs: refs, limit: limit, err: err})
	})
}

func (s *apiSession) loaded(ctx actor.Context, msg *outboxLoaded) {
	s.loading = false
	if msg.err != nil {
		s.log.Error("reading pending sends from the outbox", "channel_id", s.channelID, "err", msg.err)
		s.schedule(ctx, time.Now().Add(s.node.Deps().Config.WebhookMaxBackoff))
		return
	}
	// A full page may have left more behind; enqueue sets overflow again for ids it has no room for.
	s.overflow = len(msg.refs) >= msg.limit
	s.stats.Overflow.Store(s.overflow)
	before := len(s.queue)
	for _, r := range msg.refs {
		s.enqueue(r.MessageID, r.ChatID, nil)
	}
	if s.overflow && len(s.queue) == before {
		s.refillAfter = time.Now().Add(200 * time.Millisecond)
	}
	s.kick(ctx)
}

// kick starts the next delivery: the oldest message whose backoff is over, unless the channel is pausing
// after a failure.
func (s *apiSession) kick(ctx actor.Context) {
	s.refill(ctx)
	if !s.ready || s.busy || len(s.queue) == 0 || s.loadErr != nil {
		return
	}
	if s.url == "" {
		for _, p := range append([]*pendingSend(nil), s.queue...) {
			s.report(ctx, p, domain.StatusFailed, "channel has no webhookUrl")
			s.remove(p)
		}
		s.refill(ctx)
		return
	}
	now := time.Now()
	if now.Before(s.pausedTil) {
		s.schedule(ctx, s.pausedTil)
		return
	}
	var next *pendingSend
	earliest := time.Time{}
	for _, p := range s.queue {
		if !p.notBefore.After(now) {
			next = p
			break
		}
		if earliest.IsZero() || p.notBefore.Before(earliest) {
			earliest = p.notBefore
		}
	}
	if next == nil {
		s.schedule(ctx, earliest)
		return
	}
	s.busy = true
	self, root := ctx.Self(), ctx.ActorSystem().Root
	hook, store, channelID := s.node.Deps().Channels.Webhook, s.store, s.channelID
	target, secret, timeout := s.url, s.secret, s.node.Deps().Config.WebhookTimeout
	carried := next.msg
	s.uncarry(next)
	// Off the mailbox, on a warm goroutine (a new goroutine grew its stack inside the HTTP client every time):
	// read the message from the outbox (unless it came with its content), then post it.
	node.Dispatcher.Schedule(func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		var m sessions.Outbound
		var err error
		if carried != nil {
			m = *carried
			if m.Media != nil {
				media := *m.Media // shared with the conversation's copy: signed on a copy
				m.Media = &media
			}
		} else {
			var p persistence.PendingOutbound
			p, err = store.PendingMessage(c, next.id)
			if errors.Is(err, domain.ErrNotFound) {
				root.Send(self, &deliveryResult{send: next, gone: true})
				return
			}
			m = outboundFromPending(p)
		}
		if err == nil {
			if m.Media != nil && store.MediaURL != nil {
				// Signed now, not when queued: a message that waited (retries, a restart) still gets a fresh link.
				m.Media.URL = store.MediaURL(m.Media.MediaID)
			}
			body, _ := json.Marshal(ops.WebhookEvent{EventID: m.MessageID.String(), Event: "message.outbound", ChannelID: channelID, Message: webhookMessage(m)})
			err = hook.Post(c, target, secret, m.MessageID.String(), body)
		}
		root.Send(self, &deliveryResult{send: next, err: err})
	})
}

// schedule wakes the session at `at` (once, however often it is asked for the same or a later time).
func (s *apiSession) schedule(ctx actor.Context, at time.Time) {
	if !s.timerAt.IsZero() && !s.timerAt.After(at) {
		return
	}
	s.timerAt = at
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(time.Until(at), func() { root.Send(self, &retryAt{at: at}) })
}

func outboundFromPending(p persistence.PendingOutbound) sessions.Outbound {
	pmid := ""
	if p.PlatformMessageID != nil {
		pmid = *p.PlatformMessageID
	}
	return sessions.Outbound{MessageID: p.MessageID, ChatID: p.ChatID, PlatformMessageID: pmid, To: p.To,
		ContentType: p.ContentType, Content: p.Content, Metadata: p.Metadata, Timestamp: p.Timestamp, Media: MediaOf(p.Media),
		ReplyTo: ReplyOf(p.ReplyTo)}
}

// ReplyOf is the quoted message of an outbound message as a channel session sends it.
func ReplyOf(r *persistence.MessageReply) *sessions.OutboundReply {
	if r == nil {
		return nil
	}
	return &sessions.OutboundReply{MessageID: r.MessageID, PlatformMessageID: r.PlatformMessageID,
		FromCustomer: r.SenderType == domain.SenderCustomer, Excerpt: r.Excerpt, Content: r.Content}
}

// webhookMessage is the view of an outbound message an API channel's webhook receives.
func webhookMessage(m sessions.Outbound) ops.OutboundMessage {
	var media *ops.OutboundMedia
	if m.Media != nil {
		v := ops.OutboundMedia(*m.Media)
		media = &v
	}
	var reply *ops.OutboundReply
	if m.ReplyTo != nil {
		reply = &ops.OutboundReply{MessageID: m.ReplyTo.MessageID, PlatformMessageID: m.ReplyTo.PlatformMessageID, Excerpt: m.ReplyTo.Excerpt}
	}
	return ops.OutboundMessage{MessageID: m.MessageID, ChatID: m.ChatID, PlatformMessageID: m.PlatformMessageID, To: m.To,
		ContentType: m.ContentType, Content: m.Content, Metadata: m.Metadata, Timestamp: m.Timestamp, Media: media, ReplyTo: reply}
}

// MediaOf is the file of an outbound message as a channel session sends it.
func MediaOf(m *persistence.MessageMedia) *sessions.OutboundMedia {
	if m == nil {
		return nil
	}
	return &sessions.OutboundMedia{MediaID: m.MediaID, MimeType: m.MimeType, Size: m.Size, FileName: m.FileName, URL: m.URL}
}

func (s *apiSession) delivered(ctx actor.Context, res *deliveryResult) {
	s.busy = false
	cfg := s.node.Deps().Config
	p := res.send
	switch {
	case res.gone:
		s.remove(p)
	case res.err == nil:
		s.report(ctx, p, domain.StatusSent, "")
		s.remove(p)
	default:
		p.attempt++
		s.pausedTil = time.Now().Add(cfg.WebhookBackoff)
		if p.attempt >= cfg.WebhookMaxAttempts {
			s.log.Warn("webhook delivery failed for good", "channel_id", s.channelID, "message_id", p.id, "err", res.err)
			// The message shows a category; the detail (hosts, addresses, the DNS server) stays in the log.
			s.report(ctx, p, domain.StatusFailed, sessions.DeliveryError(res.err))
			s.remove(p)
		} else {
			p.notBefore = time.Now().Add(min(cfg.WebhookBackoff<<(p.attempt-1), cfg.WebhookMaxBackoff))
		}
	}
	s.kick(ctx)
}

func (s *apiSession) report(ctx actor.Context, p *pendingSend, status domain.MessageStatus, errText string) {
	id := p.id
	s.settled[id] = time.Now()
	change := persistence.StatusChange{MessageID: &id, Status: status}
	if errText != "" {
		change.Error = &errText
	}
	ctx.Send(ctx.Parent(), &SendReport{ChatID: p.chatID, Change: change})
}
