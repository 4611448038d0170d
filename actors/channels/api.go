package channels

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// apiSession delivers an API channel's outbound messages to its webhook, one at a time and in order. A
// failed delivery is retried with exponential backoff; the message becomes SENT on a 2xx answer and FAILED
// after the last attempt. Every delivery of a message carries the same event id, so receivers can drop repeats.
type apiSession struct {
	node      *node.Node
	store     *persistence.TenantStore
	channelID uuid.UUID
	log       *slog.Logger

	url, secret string
	loadErr     error
	queue       []sessions.Outbound
	known       map[uuid.UUID]bool
	attempt     int
	busy        bool
}

type deliveryResult struct {
	msg sessions.Outbound
	err error
}

func (s *apiSession) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		s.known = make(map[uuid.UUID]bool)
		s.start(ctx)
	case *OutboundReady:
		s.enqueue(msg.Msg)
		s.kick(ctx)
	case *deliveryResult:
		s.delivered(ctx, msg)
	case *retryAt:
		s.busy = false
		s.kick(ctx)
	}
}

// start loads the channel and the outbox that earlier runs left pending.
func (s *apiSession) start(ctx actor.Context) {
	c, cancel := context.WithTimeout(context.Background(), s.node.Deps().Config.RequestTimeout)
	defer cancel()
	ch, err := s.store.GetChannel(c, s.channelID)
	if err == nil {
		var sec persistence.ChannelSecrets
		sec, err = s.store.Secrets(ch)
		s.secret = sec.WebhookSecret
		if ch.WebhookURL != nil {
			s.url = *ch.WebhookURL
		}
	}
	if err != nil {
		s.loadErr = err
		s.log.Error("API channel session cannot start", "channel_id", s.channelID, "err", err)
		return
	}
	pending, err := s.store.PendingMessages(c, s.channelID, 10000)
	if err != nil {
		s.log.Error("loading pending sends", "err", err)
	}
	for _, p := range pending {
		s.enqueue(outboundFromPending(p))
	}
	s.kick(ctx)
}

func outboundFromPending(p persistence.PendingOutbound) sessions.Outbound {
	pmid := ""
	if p.PlatformMessageID != nil {
		pmid = *p.PlatformMessageID
	}
	return sessions.Outbound{MessageID: p.MessageID, ChatID: p.ChatID, PlatformMessageID: pmid, To: p.To,
		ContentType: p.ContentType, Content: p.Content, Metadata: p.Metadata, Timestamp: p.Timestamp, Media: MediaOf(p.Media)}
}

// MediaOf is the file of an outbound message as a channel session sends it.
func MediaOf(m *persistence.MessageMedia) *sessions.OutboundMedia {
	if m == nil {
		return nil
	}
	return &sessions.OutboundMedia{MediaID: m.MediaID, MimeType: m.MimeType, Size: m.Size, FileName: m.FileName, URL: m.URL}
}

func (s *apiSession) enqueue(m sessions.Outbound) {
	if s.known[m.MessageID] {
		return
	}
	s.known[m.MessageID] = true
	s.queue = append(s.queue, m)
}

func (s *apiSession) kick(ctx actor.Context) {
	if s.busy || len(s.queue) == 0 || s.loadErr != nil {
		return
	}
	if s.url == "" {
		for _, m := range s.queue {
			s.report(ctx, m, domain.StatusFailed, "channel has no webhookUrl")
		}
		s.queue = nil
		return
	}
	s.busy = true
	m := s.queue[0]
	if m.Media != nil && s.store.MediaURL != nil {
		// Signed now, not when queued: a message that waited (retries, a restart) still gets a fresh link.
		m.Media.URL = s.store.MediaURL(m.Media.MediaID)
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	body, _ := json.Marshal(ops.WebhookEvent{EventID: m.MessageID.String(), Event: "message.outbound", ChannelID: s.channelID, Message: m})
	hook := s.node.Deps().Channels.Webhook
	target, secret := s.url, s.secret
	// Off the mailbox, on a warm goroutine (a new goroutine grew its stack inside the HTTP client every time).
	node.Dispatcher.Schedule(func() {
		c, cancel := context.WithTimeout(context.Background(), s.node.Deps().Config.WebhookTimeout)
		defer cancel()
		root.Send(self, &deliveryResult{msg: m, err: hook.Post(c, target, secret, m.MessageID.String(), body)})
	})
}

func (s *apiSession) delivered(ctx actor.Context, res *deliveryResult) {
	cfg := s.node.Deps().Config
	if res.err == nil {
		s.report(ctx, res.msg, domain.StatusSent, "")
		s.next(ctx)
		return
	}
	s.attempt++
	if s.attempt >= cfg.WebhookMaxAttempts {
		s.log.Warn("webhook delivery failed for good", "channel_id", s.channelID, "message_id", res.msg.MessageID, "err", res.err)
		// The message shows a category; the detail (hosts, addresses, the DNS server) stays in the log.
		s.report(ctx, res.msg, domain.StatusFailed, sessions.DeliveryError(res.err))
		s.next(ctx)
		return
	}
	backoff := min(cfg.WebhookBackoff<<(s.attempt-1), cfg.WebhookMaxBackoff)
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(backoff, func() { root.Send(self, &retryAt{at: time.Now()}) })
}

func (s *apiSession) next(ctx actor.Context) {
	delete(s.known, s.queue[0].MessageID)
	s.queue = s.queue[1:]
	s.attempt = 0
	s.busy = false
	s.kick(ctx)
}

func (s *apiSession) report(ctx actor.Context, m sessions.Outbound, status domain.MessageStatus, errText string) {
	change := persistence.StatusChange{MessageID: &m.MessageID, Status: status}
	if errText != "" {
		change.Error = &errText
	}
	ctx.Send(ctx.Parent(), &SendReport{ChatID: m.ChatID, Change: change})
}
