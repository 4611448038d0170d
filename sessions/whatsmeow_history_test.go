package sessions

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

func webMsg(id string, fromMe bool, at time.Time, text string) *waHistorySync.HistorySyncMsg {
	return &waHistorySync.HistorySyncMsg{Message: &waWeb.WebMessageInfo{
		Key:              &waCommon.MessageKey{ID: proto.String(id), FromMe: proto.Bool(fromMe)},
		MessageTimestamp: proto.Uint64(uint64(at.Unix())), PushName: proto.String("Ada"),
		Message: &waE2E.Message{Conversation: proto.String(text)}}}
}

// TestTranslateHistory: a real HistorySync chunk becomes the engine's messages: direct chats only, within
// the days asked for, the business's own as FromMe, a LID chat filed under the phone number it names, and
// the chunk's push names and progress.
func TestTranslateHistory(t *testing.T) {
	cutoff := now.Add(-30 * 24 * time.Hour)
	data := &waHistorySync.HistorySync{SyncType: waHistorySync.HistorySync_RECENT.Enum(), Progress: proto.Uint32(40),
		Pushnames: []*waHistorySync.Pushname{{ID: proto.String(customer.String()), Pushname: proto.String("Ada L.")}},
		Conversations: []*waHistorySync.Conversation{
			{ID: proto.String(customer.String()), Messages: []*waHistorySync.HistorySyncMsg{
				webMsg("H1", false, now.Add(-time.Hour), "hello"),
				webMsg("H2", true, now.Add(-50*time.Minute), "hi there"),
				webMsg("H0", false, now.Add(-40*24*time.Hour), "too old"),
			}},
			{ID: proto.String(customerLID.String()), PnJID: proto.String("447700900123@s.whatsapp.net"),
				Messages: []*waHistorySync.HistorySyncMsg{webMsg("H3", false, now.Add(-time.Hour), "from a LID")}},
			{ID: proto.String("120363000000000000@g.us"), Messages: []*waHistorySync.HistorySyncMsg{webMsg("G1", false, now, "group")}},
		}}
	h := translateHistory(&events.HistorySync{Data: data}, own, cutoff)
	if h.SyncType != "RECENT" || h.Progress != 40 || h.Chats != 2 || h.Skipped != 2 || len(h.Messages) != 3 {
		t.Fatalf("chunk %+v", h)
	}
	in, mine, lid := h.Messages[0], h.Messages[1], h.Messages[2]
	if in.ID != "H1" || in.Chat != customer.String() || in.FromMe || in.Text != "hello" || !in.History || in.PushName != "Ada" {
		t.Fatalf("customer's message %+v", in)
	}
	if mine.ID != "H2" || !mine.FromMe || mine.Chat != customer.String() || mine.PushName != "" {
		t.Fatalf("business's message %+v", mine)
	}
	if lid.Chat != "447700900123@s.whatsapp.net" || lid.LID != customerLID.String() {
		t.Fatalf("LID chat filed under %q (LID %q)", lid.Chat, lid.LID)
	}
	if string(in.Metadata()) != `{"whatsapp":{"history":true}}` {
		t.Fatalf("metadata %s", in.Metadata())
	}
	if len(h.PushNames) != 1 || h.PushNames[0].Name != "Ada L." {
		t.Fatalf("push names %+v", h.PushNames)
	}
}
