package channels

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/sessions"
)

// waHistoryDone reports the import of one history chunk.
type waHistoryDone struct {
	chunk                        *sessions.WAHistory
	imported, duplicates, failed int
}

// historyDays is AEZEN_WHATSAPP_HISTORY_DAYS.
func (s *whatsappSession) historyDays() int { return s.node.Deps().Config.WhatsAppHistoryDays }

// historyView is the import's progress as the status shows it.
func (s *whatsappSession) historyView() *ops.WhatsAppHistory {
	days := s.historyDays()
	if days <= 0 {
		return &ops.WhatsAppHistory{State: ops.WAHistoryOff}
	}
	if s.history == nil {
		return &ops.WhatsAppHistory{State: ops.WAHistoryNone, Days: days}
	}
	h := *s.history
	return &h
}

// historyPaired starts waiting for the history of a newly paired device.
func (s *whatsappSession) historyPaired() {
	if s.historyDays() > 0 {
		s.history = &ops.WhatsAppHistory{State: ops.WAHistoryWaiting, Days: s.historyDays()}
	}
}

// historyChunk imports one chunk: each message goes to the tenant like a live one (found or filed under
// its customer, de-duplicated by its WhatsApp id) but marked History, so that it is stored read, reopens
// nothing and is announced by no per-message event (thousands of them would flood every client); the
// status, with its counts, is published once per chunk instead. The client waits for Done, which comes
// once every message of the chunk is answered, so chunks are stored one after the other.
func (s *whatsappSession) historyChunk(ctx actor.Context, h *sessions.WAHistory) {
	if s.historyDays() <= 0 {
		h.Done(true)
		return
	}
	now := time.Now().UTC()
	if s.history == nil || s.history.State == ops.WAHistoryDone || s.history.State == ops.WAHistoryNone {
		s.history = &ops.WhatsAppHistory{Days: s.historyDays()}
	}
	if s.history.StartedAt == nil {
		s.history.StartedAt = &now
	}
	s.history.State, s.history.UpdatedAt = ops.WAHistoryImporting, &now
	s.setStatus(s.status)
	s.pushNames(h.PushNames)

	futures := make([]*actor.Future, len(h.Messages))
	for i, m := range h.Messages {
		futures[i] = actor.NewFuture(ctx.ActorSystem(), time.Minute)
		ctx.Send(ctx.Parent(), &WAInbound{ChannelID: s.channelID, Input: s.inboundInput(m), ReplyTo: futures[i].PID()})
	}
	self, root, log := ctx.Self(), ctx.ActorSystem().Root, s.log
	go func() {
		done := &waHistoryDone{chunk: h}
		for i, fut := range futures {
			res, err := fut.Result()
			if err == nil {
				err = node.Failed(res)
			}
			if err != nil {
				done.failed++
				log.Warn("a message of the WhatsApp history was not stored", "whatsapp_id", h.Messages[i].ID, "err", err)
				continue
			}
			stored, _ := res.(*node.Answer).Out.(ops.InboundResult)
			if stored.Duplicate {
				done.duplicates++
			} else {
				done.imported++
			}
			afterCommit(root, self, h.Messages[i], stored)
		}
		root.Send(self, done)
		h.Done(true)
	}()
}

// historyStored counts a stored chunk; the chunk at 100 % ends the import.
func (s *whatsappSession) historyStored(msg *waHistoryDone) {
	if s.history == nil {
		return
	}
	now := time.Now().UTC()
	h := s.history
	h.Imported += msg.imported
	h.Duplicates += msg.duplicates
	h.Failed += msg.failed
	h.Skipped += msg.chunk.Skipped
	h.Chunks++
	h.UpdatedAt = &now
	if p := msg.chunk.Progress; p >= 0 {
		h.Progress = &p
		if p >= 100 {
			h.State, h.FinishedAt = ops.WAHistoryDone, &now
		}
	}
	s.setStatus(s.status)
	s.persist()
}

// pushNames records the names a chunk (or a live event) reports, off the mailbox.
func (s *whatsappSession) pushNames(names []sessions.WAPushName) {
	if len(names) == 0 {
		return
	}
	store, channelID, timeout := s.store, s.channelID, s.dbTimeout()
	go func() {
		for _, n := range names {
			c, cancel := context.WithTimeout(context.Background(), timeout)
			_ = store.SetCustomerName(c, channelID, n.JID, n.Name)
			cancel()
		}
	}()
}
