package tenant

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/persistence"
)

// TestDBWriterStoresInboundExactlyOnceInGroups: customers' messages queued at once share group commits
// and, within one, a statement (persistence.InboundGroup), with re-deliveries of the same message in the
// same commit and other jobs between them. Every message is stored once, every re-delivery answers the
// stored copy's id, each chat's messages keep their order and its unread count is exact; and the writer's
// batch splits where it must (a re-delivery or another job starts a new statement).
func TestDBWriterStoresInboundExactlyOnceInGroups(t *testing.T) {
	f := newWriterFixture(t)
	ctx := context.Background()
	ch, err := f.store.CreateChannel(ctx, persistence.Channel{ChannelID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), PlatformType: "API"})
	if err != nil {
		t.Fatal(err)
	}
	chats := make([]uuid.UUID, 4)
	for i := range chats {
		if chats[i], err = f.store.ResolveContact(ctx, persistence.Contact{ChannelID: ch.ChannelID, PlatformCustomerID: "c" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	const perChat, deliveries = 15, 2
	type sent struct {
		pmid string
		out  *persistence.InboundResult
	}
	var all []sent
	res := newResults(len(chats) * perChat * (deliveries + 1))
	for ci, chat := range chats {
		var jobs []*writeJob
		for k := range perChat {
			pmid := "m-" + strconv.Itoa(ci) + "-" + strconv.Itoa(k)
			for d := range deliveries {
				in := persistence.NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chat, PlatformMessageID: pmid, ContentType: "TEXT",
					Content: "message " + pmid, Timestamp: time.Now()}
				out := &persistence.InboundResult{}
				j := res.job(ci, len(jobs), nil, false)
				j.inbound, j.inboundOut = &in, out
				jobs = append(jobs, j)
				all = append(all, sent{pmid: pmid, out: out})
				if d == 0 {
					jobs = append(jobs, res.job(ci, len(jobs), insert(ci, k), false))
				}
			}
		}
		f.run(jobs...)
	}
	res.wait(t, 60*time.Second)
	for key, err := range res.errs {
		if err != nil {
			t.Fatalf("job %v: %v", key, err)
		}
	}
	stored := map[string]uuid.UUID{}
	for _, s := range all {
		if !s.out.Duplicate {
			if _, twice := stored[s.pmid]; twice {
				t.Fatalf("%s stored twice", s.pmid)
			}
			stored[s.pmid] = s.out.Message.MessageID
		}
	}
	for _, s := range all {
		if id, ok := stored[s.pmid]; !ok || s.out.Message.MessageID != id {
			t.Fatalf("%s answered %s (duplicate %v), stored as %s", s.pmid, s.out.Message.MessageID, s.out.Duplicate, id)
		}
	}
	for ci, chat := range chats {
		rows, err := f.store.Pool.Query(ctx, `SELECT platform_message_id FROM messages WHERE chat_id = $1 ORDER BY seq`, chat)
		if err != nil {
			t.Fatal(err)
		}
		list, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(list) != perChat {
			t.Fatalf("chat %d: %v %v", ci, list, err)
		}
		for k, pmid := range list {
			if want := "m-" + strconv.Itoa(ci) + "-" + strconv.Itoa(k); pmid != want {
				t.Fatalf("chat %d stored %v, out of order", ci, list)
			}
		}
		if n := f.probe(`SELECT unread_count FROM chat_activity WHERE chat_id = $1`, chat); n != perChat {
			t.Fatalf("chat %d: unread %d, want %d", ci, n, perChat)
		}
	}

	// The batch of one commit: two messages share a statement; another job, or a re-delivery of one of
	// them, starts a new one; a lone message is stored with the one-message statement.
	inbound := func(pmid string) *writeJob {
		in := persistence.NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chats[0], PlatformMessageID: pmid, ContentType: "TEXT", Timestamp: time.Now()}
		return &writeJob{inbound: &in, inboundOut: &persistence.InboundResult{}}
	}
	other := &writeJob{queue: insert(9, 9)}
	if n := batchOf([]*writeJob{inbound("a"), inbound("b"), other, inbound("c"), inbound("d"), inbound("c"), inbound("e")}).Len(); n != 4 {
		t.Fatalf("batch of a, b, another job, c, d, c again, e: %d statements, want 4 (a+b, the job, c+d, c+e)", n)
	}
}
