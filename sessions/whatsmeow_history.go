package sessions

import (
	"time"

	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// translateHistory turns one history chunk into the engine's WAHistory: the messages of direct chats sent
// at or after cutoff, each built as whatsmeow's ParseWebMessage builds a live one and translated by
// translateMessage (so history and live messages are filed alike, LID and phone number included), and the
// chunk's push names. Groups, broadcasts, newsletters and status updates are left out, as live.
func translateHistory(evt *events.HistorySync, own types.JID, cutoff time.Time) *WAHistory {
	data := evt.Data
	h := &WAHistory{SyncType: data.GetSyncType().String(), Progress: -1}
	if data.Progress != nil {
		h.Progress = int(data.GetProgress())
	}
	for _, p := range data.GetPushnames() {
		jid, err := types.ParseJID(p.GetID())
		if err != nil || jid.Server != types.DefaultUserServer || p.GetPushname() == "" || p.GetPushname() == "-" {
			continue
		}
		h.PushNames = append(h.PushNames, WAPushName{JID: jid.ToNonAD().String(), Name: p.GetPushname()})
	}
	for _, conv := range data.GetConversations() {
		if n := historyConversation(h, conv, own, cutoff); n > 0 {
			h.Chats++
		}
	}
	return h
}

// historyConversation adds the messages of one conversation to h and returns how many it added.
func historyConversation(h *WAHistory, conv *waHistorySync.Conversation, own types.JID, cutoff time.Time) int {
	chat, err := types.ParseJID(conv.GetID())
	if err != nil || (chat.Server != types.DefaultUserServer && chat.Server != types.HiddenUserServer) {
		h.Skipped += len(conv.GetMessages())
		return 0
	}
	// The phone tells the other address of a chat it knows both of: a LID chat is filed under the number.
	var alt types.JID
	if chat.Server == types.HiddenUserServer {
		alt, _ = types.ParseJID(conv.GetPnJID())
	} else {
		alt, _ = types.ParseJID(conv.GetLidJID())
	}
	added := 0
	for _, hm := range conv.GetMessages() {
		web := hm.GetMessage()
		ts := time.Unix(int64(web.GetMessageTimestamp()), 0).UTC()
		if web == nil || web.GetMessage() == nil || ts.Before(cutoff) {
			h.Skipped++
			continue
		}
		info := types.MessageInfo{MessageSource: types.MessageSource{Chat: chat, IsFromMe: web.GetKey().GetFromMe()},
			ID: web.GetKey().GetID(), PushName: web.GetPushName(), Timestamp: ts}
		if info.IsFromMe {
			info.Sender, info.RecipientAlt = own.ToNonAD(), alt
		} else {
			info.Sender, info.SenderAlt = chat, alt
		}
		msg := &events.Message{Info: info, Message: web.GetMessage(), RawMessage: web.GetMessage(), SourceWebMsg: web}
		msg.UnwrapRaw()
		m, ok := translateMessage(msg, own).(*WAMessage)
		if !ok || m.ID == "" || m.Update != nil { // reactions, edits and revokes are not imported
			h.Skipped++
			continue
		}
		m.History = true
		h.Messages = append(h.Messages, m)
		added++
	}
	return added
}
