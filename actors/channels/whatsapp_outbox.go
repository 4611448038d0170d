package channels

import (
	"context"
	"errors"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// outbox is a WhatsApp session's queue of committed outbound messages. It sends one message at a time, in
// order, paced by a token bucket for the channel's number (AEZEN_WHATSAPP_SEND_RATE/_BURST) so that bulk
// sends do not get the number banned. A failed send is retried with the same WhatsApp message id, so the
// customer's phone shows it once however many attempts it took.
type outbox struct {
	queue   []sessions.Outbound
	known   map[uuid.UUID]bool
	sent    map[uuid.UUID]time.Time // recently sent ids, so a reload of PENDING rows cannot resend them
	attempt int
	busy    bool
	paced   bool
	// loadingPending is set while the PENDING messages are read; nothing is sent meanwhile, so that a
	// message handed over during the read cannot overtake an older one.
	loadingPending bool
	limiter        *rate.Limiter
	// uploaded keeps a file's upload while its message is retried, so a retry sends it without uploading again.
	uploaded map[uuid.UUID]*sessions.WAMedia
}

func (o *outbox) initOutbox(l *rate.Limiter) {
	o.known, o.sent, o.limiter = map[uuid.UUID]bool{}, map[uuid.UUID]time.Time{}, l
	o.uploaded = map[uuid.UUID]*sessions.WAMedia{}
}

func (s *whatsappSession) receiveOutbox(ctx actor.Context, msg any) {
	switch msg := msg.(type) {
	case *OutboundReady:
		s.enqueue(msg.Msg)
		s.kick(ctx)
	case *waSendNext:
		s.busy = false
		s.kick(ctx)
	case *waSendDone:
		s.sendDone(ctx, msg)
	case *ReadReceipts:
		if s.status == ops.WAStatusConnected {
			client, log := s.client, s.log
			go func() {
				c, cancel := context.WithTimeout(context.Background(), s.waTimeout())
				defer cancel()
				if err := client.MarkRead(c, msg.PlatformChatID, "", msg.IDs, time.Now()); err != nil {
					log.Warn("sending WhatsApp read receipts", "err", err)
				}
			}()
		}
	case *TypingSignal:
		if s.status == ops.WAStatusConnected {
			client := s.client
			go func() {
				c, cancel := context.WithTimeout(context.Background(), s.waTimeout())
				defer cancel()
				_ = client.SetTyping(c, msg.PlatformChatID, msg.On)
			}()
		}
	}
}

// loadPending reads the channel's messages still PENDING in the database (sends committed before a
// restart), off the mailbox; pendingLoaded queues them.
func (s *whatsappSession) loadPending(ctx actor.Context) {
	if s.loadingPending {
		return
	}
	s.loadingPending = true
	self, root, store, channelID, timeout := ctx.Self(), ctx.ActorSystem().Root, s.store, s.channelID, s.dbTimeout()
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		pending, err := store.PendingMessages(c, channelID, 10000)
		var actions []persistence.PendingAction
		if err == nil {
			actions, err = store.PendingActions(c, channelID, 10000)
		}
		root.Send(self, &waPendingLoaded{pending: pending, actions: actions, err: err})
	}()
}

// pendingLoaded puts the PENDING messages, oldest first, ahead of those handed over during the read: those
// the read did not see were committed after it, so they are the newest.
func (s *whatsappSession) pendingLoaded(ctx actor.Context, msg *waPendingLoaded) {
	s.loadingPending = false
	if msg.err != nil {
		s.log.Error("loading pending WhatsApp sends", "err", msg.err)
	} else {
		s.pruneSent()
		handed := s.queue
		s.queue, s.known = nil, map[uuid.UUID]bool{}
		if s.busy && len(handed) > 0 {
			// A send (or its retry pause) of the head is under way: it stays the head.
			s.enqueue(handed[0])
			handed = handed[1:]
		}
		for _, p := range msg.pending {
			s.enqueue(outboundFromPending(p))
		}
		// Reactions, edits and revokes after the messages: one may name a message still waiting.
		for _, a := range msg.actions {
			s.enqueue(ActionOf(a))
		}
		for _, m := range handed {
			s.enqueue(m)
		}
	}
	s.kick(ctx)
}

func (s *whatsappSession) enqueue(m sessions.Outbound) {
	if s.known[m.MessageID] {
		return
	}
	if _, done := s.sent[m.MessageID]; done {
		return
	}
	s.known[m.MessageID] = true
	s.queue = append(s.queue, m)
}

// kick sends the next message when the connection is up and the pace allows. A session that will not
// connect fails its queue at once: a message should not wait for a connection nobody asked for.
func (s *whatsappSession) kick(ctx actor.Context) {
	if s.busy || s.loadingPending || len(s.queue) == 0 {
		return
	}
	if !s.want {
		for _, m := range s.queue {
			s.report(ctx, m, domain.StatusFailed, "WhatsApp is not connected (status "+s.status+")")
		}
		s.queue, s.known = nil, map[uuid.UUID]bool{}
		return
	}
	if s.status != ops.WAStatusConnected || s.client == nil {
		return
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	if !s.paced {
		s.paced = true
		if d := s.limiter.Reserve().Delay(); d > 0 {
			s.busy = true
			time.AfterFunc(d, func() { root.Send(self, &waSendNext{}) })
			return
		}
	}
	s.paced = false
	s.busy = true
	send := s.checkedSend(s.queue[0], s.client, s.sendFunc(s.queue[0], s.client))
	go func() { root.Send(self, send()) }()
}

// sendDone reports SENT, retries a transient failure with the same id, or reports FAILED after the last try.
func (s *whatsappSession) sendDone(ctx actor.Context, res *waSendDone) {
	s.busy = false
	if len(s.queue) == 0 || s.queue[0].MessageID != res.msg.MessageID {
		return
	}
	if res.uploaded != nil {
		s.uploaded[res.msg.MessageID] = res.uploaded
	}
	if res.err == nil {
		s.sent[res.msg.MessageID] = time.Now()
		s.report(ctx, res.msg, domain.StatusSent, "")
		s.next(ctx)
		return
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	if errors.Is(res.err, sessions.ErrWANotConnected) {
		// The connection went away under the send: not the message's fault; wait for the reconnect.
		s.busy = true
		time.AfterFunc(time.Second, func() { root.Send(self, &waSendNext{}) })
		return
	}
	s.attempt++
	if errors.Is(res.err, sessions.ErrWABadRecipient) || s.attempt >= waMaxSendTries {
		s.log.Warn("WhatsApp send failed for good", "message_id", res.msg.MessageID, "attempts", s.attempt, "err", res.err)
		s.report(ctx, res.msg, domain.StatusFailed, res.err.Error())
		s.next(ctx)
		return
	}
	backoff := min(500*time.Millisecond<<(s.attempt-1), 30*time.Second)
	s.log.Info("WhatsApp send failed, retrying with the same id", "message_id", res.msg.MessageID, "in", backoff, "err", res.err)
	s.busy = true
	time.AfterFunc(backoff, func() { root.Send(self, &waSendNext{}) })
}

// pruneSent forgets sends old enough for their SENT status to be committed long ago.
func (s *whatsappSession) pruneSent() {
	for id, at := range s.sent {
		if time.Since(at) > 10*time.Minute {
			delete(s.sent, id)
		}
	}
}

func (s *whatsappSession) next(ctx actor.Context) {
	if len(s.sent) > 4096 {
		s.pruneSent()
	}
	delete(s.known, s.queue[0].MessageID)
	delete(s.uploaded, s.queue[0].MessageID)
	s.queue = s.queue[1:]
	s.attempt = 0
	s.kick(ctx)
}

func (s *whatsappSession) report(ctx actor.Context, m sessions.Outbound, status domain.MessageStatus, errText string) {
	if m.Action != nil {
		s.actionDone(m, errText)
		return
	}
	id := m.MessageID
	change := persistence.StatusChange{MessageID: &id, Status: status}
	if errText != "" {
		change.Error = &errText
	}
	ctx.Send(ctx.Parent(), &SendReport{ChatID: m.ChatID, Change: change})
}

// actionDone removes a reaction, edit or revoke from message_actions once it was sent, or given up on (the
// message keeps the change; the log says the phone did not get it).
func (s *whatsappSession) actionDone(m sessions.Outbound, errText string) {
	if errText != "" {
		s.log.Warn("WhatsApp action given up", "kind", m.Action.Kind, "whatsapp_id", m.Action.TargetID, "err", errText)
	}
	store, id, log, timeout := s.store, m.MessageID, s.log, s.dbTimeout()
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := store.DeleteAction(c, id); err != nil {
			log.Warn("removing a sent WhatsApp action", "action_id", id, "err", err)
		}
	}()
}

// ActionOf is a pending reaction, edit or revoke as the WhatsApp session's outbox carries it.
func ActionOf(a persistence.PendingAction) sessions.Outbound {
	return sessions.Outbound{MessageID: a.ActionID, ChatID: a.ChatID, PlatformMessageID: a.PlatformMessageID, To: a.To,
		Action: &sessions.WAAction{Kind: a.Kind, TargetID: a.PlatformMessageID, TargetFromMe: a.SenderType != domain.SenderCustomer, Value: a.Value}}
}
