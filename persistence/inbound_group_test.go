package persistence

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestInboundGroupStoresWhatOneStatementPerMessageStores sends the same customers' messages to two tenants,
// one statement per message (QueueInbound) to the first and grouped (InboundGroup) to the second, and
// checks that every answer and the stored result are the same: unread counts per message, the reopen of
// a RESOLVED and of a snoozed chat, duplicates of a stored message and of one in the same commit (never
// stored twice), a reply to a stored message and to one of the same commit, a file, metadata, the order
// of each chat's messages and its activity row.
func TestInboundGroupStoresWhatOneStatementPerMessageStores(t *testing.T) {
	ctx := context.Background()
	one, oneChats := benchTenant(t, 3)
	grouped, groupChats := benchTenant(t, 3)
	at := time.Date(2026, 12, 3, 18, 0, 0, 500, time.UTC)
	mediaID := uuid.Must(uuid.NewV7())
	type msg struct {
		chat                 int
		pmid, content, quote string
		meta                 string
		file                 bool
	}
	before := []msg{{chat: 0, pmid: "pre-1", content: "first"}, {chat: 1, pmid: "pre-2", content: "done?"}}
	commit := []msg{
		{chat: 0, pmid: "g-1", content: "hello"},
		{chat: 1, pmid: "g-2", content: "back again"},
		{chat: 0, pmid: "g-3", content: "as I said", quote: "pre-1", meta: `{"z": 1,  "a": "x"}`},
		{chat: 0, pmid: "pre-1", content: "first"},
		{chat: 2, pmid: "g-4", content: "a photo", file: true},
		{chat: 0, pmid: "g-5", content: "see above", quote: "g-1"},
		{chat: 1, pmid: "g-2", content: "back again"},
		{chat: 2, pmid: "g-6", content: "hi", quote: "g-2"},
		{chat: 1, pmid: "g-7", content: "anyone?"},
	}
	ids := make([]uuid.UUID, len(before)+len(commit))
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	input := func(chats []uuid.UUID, i int, m msg) NewInbound {
		in := NewInbound{MessageID: ids[i], ChatID: chats[m.chat], PlatformMessageID: m.pmid, ContentType: "TEXT", Content: m.content,
			Timestamp: at.Add(time.Duration(i) * time.Millisecond), ReplyToPlatformID: m.quote}
		if m.meta != "" {
			in.Metadata = json.RawMessage(m.meta)
		}
		if m.file {
			in.ContentType, in.MediaID, in.PendingMedia = "IMAGE", &mediaID, &PendingMedia{MimeType: "image/jpeg", FileName: "p.jpg"}
		}
		return in
	}
	run := func(s *TenantStore, chats []uuid.UUID, group bool) []InboundResult {
		t.Helper()
		b := &pgx.Batch{}
		pre := make([]InboundResult, len(before))
		for i, m := range before {
			QueueInbound(b, input(chats, i, m), &pre[i])
		}
		b.Queue(`UPDATE chats SET status = 'RESOLVED' WHERE chat_id = $1`, chats[1])
		b.Queue(`UPDATE chats SET status = 'PENDING', snoozed_until = now() + interval '1 day' WHERE chat_id = $1`, chats[2])
		if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
		b = &pgx.Batch{}
		outs := make([]InboundResult, len(commit))
		var g InboundGroup
		for i, m := range commit {
			in := input(chats, len(before)+i, m)
			if !group {
				QueueInbound(b, in, &outs[i])
				continue
			}
			if !g.Add(in, &outs[i]) {
				g.Queue(b)
				if !g.Add(in, &outs[i]) {
					t.Fatalf("an empty group refused %s", m.pmid)
				}
			}
		}
		g.Queue(b)
		if group && b.Len() != 4 { // the file's media row, then three groups: g-5 quotes g-1, g-2 again
			t.Errorf("the commit's batch has %d statements, want 4", b.Len())
		}
		if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
		return outs
	}
	want, got := run(one, oneChats, false), run(grouped, groupChats, true)
	same := func(a, b any) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		s := string(jb)
		for i := range groupChats {
			s = strings.ReplaceAll(s, groupChats[i].String(), oneChats[i].String())
		}
		return string(ja) == s
	}
	for i := range commit {
		w, g := want[i], got[i]
		w.Message.Seq, g.Message.Seq = 0, 0
		if !same(w, g) {
			t.Errorf("%s: one statement each answered\n%+v\ngrouped\n%+v", commit[i].pmid, w, g)
		}
	}
	if !got[3].Duplicate || !got[6].Duplicate || got[6].Message.MessageID != got[1].Message.MessageID || got[8].UnreadCount != 3 {
		t.Errorf("grouped answers: %+v", got)
	}

	type state struct {
		Messages []string
		Activity []string
	}
	read := func(s *TenantStore, chats []uuid.UUID) state {
		t.Helper()
		var st state
		for _, c := range chats {
			rows, err := s.Pool.Query(ctx, `SELECT m.platform_message_id || ' ' || m.content || ' ' || coalesce(q.platform_message_id, '-') || ' ' ||
					coalesce(m.metadata::text, '-') || ' ' || coalesce(m.media_id::text, '-') || ' ' || m.timestamp
				FROM messages m LEFT JOIN messages q ON q.message_id = m.reply_to_message_id WHERE m.chat_id = $1 ORDER BY m.seq`, c)
			if err != nil {
				t.Fatal(err)
			}
			list, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			st.Messages = append(st.Messages, strings.Join(list, " | "))
			var a string
			if err := s.Pool.QueryRow(ctx, `SELECT a.unread_count || ' ' || a.last_message || ' ' || a.last_message_at || ' ' || c.status || ' ' || (c.snoozed_until IS NULL)
				FROM chat_activity a JOIN chats c USING (chat_id) WHERE chat_id = $1`, c).Scan(&a); err != nil {
				t.Fatal(err)
			}
			st.Activity = append(st.Activity, a)
		}
		return st
	}
	if w, g := read(one, oneChats), read(grouped, groupChats); !same(w, g) {
		t.Errorf("stored one statement each:\n%+v\ngrouped:\n%+v", w, g)
	}
}
