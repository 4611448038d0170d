package sessions

import (
	"time"
)

// WAHistory is one chunk of the history WhatsApp sends a newly linked device (whatsmeow's HistorySync): the
// direct chats' messages within the configured days, customers' and the business's own (FromMe), each
// translated like a live message, plus the push names the chunk names. The client waits for Done before it
// hands over the next chunk, so chunks are imported one at a time and in order; WhatsApp does not send a
// chunk again, so a chunk that cannot be stored is lost (the session says so in its status).
type WAHistory struct {
	// SyncType is WhatsApp's kind of chunk (INITIAL_BOOTSTRAP, RECENT, FULL, PUSH_NAME, ON_DEMAND...).
	SyncType string
	// Progress is WhatsApp's progress of the whole transfer in percent (100 on the last chunk), -1 when the
	// chunk does not say.
	Progress int
	// Chats counts the direct chats of the chunk that had messages to import.
	Chats     int
	Messages  []*WAMessage
	PushNames []WAPushName
	// Skipped counts the messages left out: older than the configured days, groups, or kinds the inbox
	// does not show.
	Skipped int
	done    func(ok bool)
}

// OnDone sets what Done calls (the client waits on it; the test kit's fake from outside the package).
func (h *WAHistory) OnDone(f func(ok bool)) { h.done = f }

// Done tells the client the chunk is imported (or not, with false).
func (h *WAHistory) Done(ok bool) {
	if h.done != nil {
		h.done(ok)
	}
}

func (*WAHistory) whatsAppEvent() {}

// HistoryCutoff is the oldest time a history import of days days keeps, from now.
func HistoryCutoff(now time.Time, days int) time.Time { return now.AddDate(0, 0, -days) }
