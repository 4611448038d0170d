package tenant

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/internal/testkit/actortest"
	"github.com/aezen/engine/persistence"
)

// TestConversationSendsKeepTheirOrder: sends queued on a conversation actor without waiting are committed,
// answered, published and handed to the channel's session in the order they arrived, even though the
// actor does not wait for one commit before queuing the next.
func TestConversationSendsKeepTheirOrder(t *testing.T) {
	f := newChatFixture(t)
	stub, conv := f.conversation(t)
	const n = 40
	answers := make(chan answer[ops.SendResult], n)
	var want []string
	for i := range n {
		content := fmt.Sprintf("reply %02d", i)
		want = append(want, content)
		tell(f, conv, (*conversationActor).send, ops.SendInput{ChatID: f.chat.ChatID, Content: content, ContentType: domain.ContentText}, answers)
	}
	var answered []string
	for _, a := range await(t, answers, n) {
		if a.Message.Status != string(domain.StatusPending) || a.Message.PlatformMessageID == nil {
			t.Fatalf("answered %+v, want a PENDING message with its platform id chosen", a.Message)
		}
		answered = append(answered, a.Message.Content)
	}
	if !slices.Equal(answered, want) {
		t.Fatalf("answers came in the order %v", answered)
	}

	rows, err := f.store.Pool.Query(context.Background(), `SELECT content FROM messages WHERE chat_id = $1 ORDER BY seq`, f.chat.ChatID)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, c)
	}
	if rows.Err() != nil || !slices.Equal(stored, want) {
		t.Fatalf("stored in the order %v (%v)", stored, rows.Err())
	}

	actortest.Eventually(t, "every send handed to the session", func() bool { return len(actortest.Received[*channels.OutboundReady](stub)) == n })
	for i, r := range actortest.Received[*channels.OutboundReady](stub) {
		if r.Msg.Content != want[i] || r.ChannelID != f.channel.ChannelID || r.Msg.To != "visitor-1" {
			t.Fatalf("hand-over %d: %+v", i, r)
		}
	}
	// The events follow each answer (the actor answers first, then publishes).
	actortest.Eventually(t, "every event", func() bool {
		return len(actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)) == n
	})
	var published []string
	for _, e := range actortest.Events[ops.MessageStatusEvent](t, f.events, ops.EventMessageStatus) {
		published = append(published, e.Message.Content)
	}
	if !slices.Equal(published, want) {
		t.Fatalf("message_status published in the order %v", published)
	}
	updates := actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)
	if len(updates) != n || *updates[n-1].LastMessage != want[n-1] {
		t.Fatalf("%d conversation_updated, the last with %v", len(updates), updates[len(updates)-1].LastMessage)
	}
}

// TestConversationStatusNeverMovesBack: a message's status moves only forward along the machine
// (domain.MessageStatus), whatever order the session's report and the receipts arrive in; a move that
// would go back changes nothing and publishes nothing.
func TestConversationStatusNeverMovesBack(t *testing.T) {
	f := newChatFixture(t)
	_, conv := f.conversation(t)
	sent := make(chan answer[ops.SendResult], 1)
	tell(f, conv, (*conversationActor).send, ops.SendInput{ChatID: f.chat.ChatID, Content: "hello", ContentType: domain.ContentText}, sent)
	m := await(t, sent, 1)[0].Message
	pmid := *m.PlatformMessageID

	steps := []struct {
		change persistence.StatusChange
		lazy   bool
		moved  int
	}{
		// A fast phone: the read receipt overtakes the session's report.
		{persistence.StatusChange{PlatformMessageIDs: []string{pmid}, Status: domain.StatusDelivered}, false, 1},
		{persistence.StatusChange{PlatformMessageIDs: []string{pmid}, Status: domain.StatusRead}, false, 1},
		{persistence.StatusChange{MessageID: &m.MessageID, Status: domain.StatusSent}, true, 0},
		{persistence.StatusChange{PlatformMessageIDs: []string{pmid}, Status: domain.StatusDelivered}, false, 0},
		{persistence.StatusChange{MessageID: &m.MessageID, Status: domain.StatusFailed}, true, 0},
		{persistence.StatusChange{PlatformMessageIDs: []string{pmid}, Status: domain.StatusRead}, false, 0},
	}
	for i, s := range steps {
		answers := make(chan answer[ops.StatusResult], 1)
		change, lazy := s.change, s.lazy
		tell(f, conv, func(c *conversationActor, ctx actor.Context, _ struct{}, done func(ops.StatusResult, error)) {
			c.status(ctx, change, lazy, done)
		}, struct{}{}, answers)
		if got := await(t, answers, 1)[0].Updated; got != s.moved {
			t.Fatalf("step %d (%s): moved %d messages, want %d", i, s.change.Status, got, s.moved)
		}
	}
	var status string
	if err := f.store.Pool.QueryRow(context.Background(), `SELECT status::text FROM messages WHERE message_id = $1`, m.MessageID).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != string(domain.StatusRead) {
		t.Fatalf("stored status %s, want READ", status)
	}
	var seen []string
	for _, e := range actortest.Events[ops.MessageStatusEvent](t, f.events, ops.EventMessageStatus) {
		seen = append(seen, e.Status)
	}
	if want := []string{"PENDING", "DELIVERED", "READ"}; !slices.Equal(seen, want) {
		t.Fatalf("message_status published %v, want %v", seen, want)
	}
}

// TestConversationMarkRead: customer messages raise the unread count; marking the chat read sets it to 0,
// stores the messages read, sends one read receipt with their platform ids, and a second mark changes and
// sends nothing.
func TestConversationMarkRead(t *testing.T) {
	f := newChatFixture(t)
	stub, conv := f.conversation(t)
	answers := make(chan answer[ops.InboundResult], 3)
	ids := []string{"in-1", "in-2", "in-3"}
	for i, id := range ids {
		tell(f, conv, (*conversationActor).inbound, persistence.NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: f.chat.ChatID,
			PlatformMessageID: id, ContentType: domain.ContentText, Content: "question " + id, Timestamp: time.Now().Add(time.Duration(i) * time.Millisecond)}, answers)
	}
	await(t, answers, 3)
	actortest.Eventually(t, "three conversation_updated", func() bool {
		return len(actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)) >= 3
	})
	updates := actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)
	if len(updates) != 3 || updates[2].UnreadCount != 3 {
		t.Fatalf("conversation_updated after 3 inbound: %d events, last unread %d", len(updates), updates[len(updates)-1].UnreadCount)
	}

	read := make(chan answer[ops.ReadResult], 2)
	tell(f, conv, (*conversationActor).markRead, ops.ChatRef{ChatID: f.chat.ChatID}, read)
	if r := await(t, read, 1)[0]; r.UnreadCount != 0 {
		t.Fatalf("mark read answered %+v", r)
	}
	var unread, stillUnread int
	if err := f.store.Pool.QueryRow(context.Background(), `SELECT
		(SELECT unread_count FROM chat_activity WHERE chat_id = $1),
		(SELECT count(*) FROM messages WHERE chat_id = $1 AND NOT is_read)`, f.chat.ChatID).Scan(&unread, &stillUnread); err != nil {
		t.Fatal(err)
	}
	if unread != 0 || stillUnread != 0 {
		t.Fatalf("stored unread count %d, %d messages unread", unread, stillUnread)
	}
	actortest.Eventually(t, "the read receipt and its conversation_updated", func() bool {
		return len(actortest.Received[*channels.ReadReceipts](stub)) == 1 && len(actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)) >= 4
	})
	r := actortest.Received[*channels.ReadReceipts](stub)[0]
	got := slices.Clone(r.IDs)
	slices.Sort(got)
	if r.PlatformChatID != "visitor-1" || r.ChannelID != f.channel.ChannelID || !slices.Equal(got, ids) {
		t.Fatalf("read receipt %+v", r)
	}
	if updates := actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated); len(updates) != 4 || updates[3].UnreadCount != 0 {
		t.Fatalf("after mark read: %d conversation_updated, last unread %d", len(updates), updates[len(updates)-1].UnreadCount)
	}

	tell(f, conv, (*conversationActor).markRead, ops.ChatRef{ChatID: f.chat.ChatID}, read)
	await(t, read, 1)
	// What the second mark sent its parent, it sent before a third request's answer; the flush then waits
	// until the parent has handled it.
	tell(f, conv, (*conversationActor).markRead, ops.ChatRef{ChatID: f.chat.ChatID}, read)
	await(t, read, 1)
	stub.Flush(t, f.node.System)
	if n := len(actortest.Received[*channels.ReadReceipts](stub)); n != 1 {
		t.Fatalf("%d read receipts after marking an already read chat", n)
	}
	if n := len(actortest.Events[ops.Conversation](t, f.events, ops.EventConversationUpdated)); n != 4 {
		t.Fatalf("%d conversation_updated after marking an already read chat", n)
	}
}

// TestConversationLoadsOffItsMailbox: while the chat is still being read, the actor's mailbox is free (it
// stops at once when told to) and the requests that arrive wait; once the read is done they run in their
// order of arrival.
func TestConversationLoadsOffItsMailbox(t *testing.T) {
	f := newChatFixture(t)
	release := actortest.LockTable(t, f.store, "chats")
	_, conv := f.conversation(t)
	answers := make(chan answer[ops.SendResult], 3)
	want := []string{"one", "two", "three"}
	for _, c := range want {
		tell(f, conv, (*conversationActor).send, ops.SendInput{ChatID: f.chat.ChatID, Content: c, ContentType: domain.ContentText}, answers)
	}
	select {
	case a := <-answers:
		t.Fatalf("answered before the chat was read: %+v", a)
	case <-time.After(300 * time.Millisecond):
	}
	_, other := f.conversation(t)
	stopped := make(chan error, 1)
	go func() { stopped <- f.node.System.Root.StopFuture(other).Wait() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a conversation actor that is reading its chat did not stop within 2 s: its mailbox waits on the read")
	}
	release()
	var got []string
	for _, a := range await(t, answers, 3) {
		got = append(got, a.Message.Content)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("answered %v, want %v", got, want)
	}
}
