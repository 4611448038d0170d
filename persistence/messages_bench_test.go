package persistence

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// emptyDatabase creates a database named prefix+<random> on the server of AEZEN_TEST_DATABASE_URL and drops
// it when the test ends; it returns the server URL and the name.
func emptyDatabase(tb testing.TB, prefix string) (string, string) {
	tb.Helper()
	url := testDatabaseURL(tb)
	ctx := context.Background()
	admin, err := NewAdmin(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	name := prefix + hex.EncodeToString(raw)
	if _, err := admin.EnsureDatabase(ctx, name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = admin.DropDatabase(context.Background(), name)
		admin.Close()
	})
	return url, name
}

// benchTenant creates a migrated tenant database with one API channel and chats chats on the server of
// AEZEN_TEST_DATABASE_URL, and drops it when the benchmark (or test) ends.
func benchTenant(b testing.TB, chats int) (*TenantStore, []uuid.UUID) {
	b.Helper()
	ctx := context.Background()
	url, name := emptyDatabase(b, "aezen_bench_persist_")
	if err := MigrateDatabase(ctx, url, name, TenantSchema); err != nil {
		b.Fatal(err)
	}
	dbURL, _ := WithDatabase(url, name)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	cipher, _ := NewCipher(make([]byte, 32))
	s := NewTenantStore(pool, cipher)
	ch, err := s.CreateChannel(ctx, Channel{ChannelID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), PlatformType: "API"})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]uuid.UUID, chats)
	for i := range ids {
		if ids[i], err = s.ResolveContact(ctx, Contact{ChannelID: ch.ChannelID, PlatformCustomerID: "c" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	return s, ids
}

// BenchmarkInboundCommit stores inbound messages as the db writer does, one message per commit and 50 per
// commit, in an explicit transaction (BEGIN, batch, COMMIT: three round trips) and as a batch that is its
// own implicit transaction (one round trip). ns/op is per message.
func BenchmarkInboundCommit(b *testing.B) {
	s, chats := benchTenant(b, 50)
	ctx := context.Background()
	seq := 0
	queue := func(batch *pgx.Batch, n int) {
		for range n {
			seq++
			out := &InboundResult{}
			QueueInbound(batch, NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chats[seq%len(chats)],
				PlatformMessageID: "p" + strconv.Itoa(seq) + "-" + strconv.FormatInt(time.Now().UnixNano(), 10), ContentType: "TEXT",
				Content: "Hi, is my order on its way?", Timestamp: time.Now()}, out)
		}
	}
	for _, perCommit := range []int{1, 50} {
		b.Run("explicit-tx/"+strconv.Itoa(perCommit), func(b *testing.B) {
			for b.Loop() {
				err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
					batch := &pgx.Batch{}
					queue(batch, perCommit)
					return tx.SendBatch(ctx, batch).Close()
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perCommit), "ns/msg")
		})
		b.Run("implicit-tx/"+strconv.Itoa(perCommit), func(b *testing.B) {
			for b.Loop() {
				batch := &pgx.Batch{}
				queue(batch, perCommit)
				if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perCommit), "ns/msg")
		})
	}
}

// BenchmarkSendCommits stores agent sends as the engine does: the PENDING message (QueueOutbound), then,
// in a later group commit, its move to SENT (QueueStatus), with perCommit sends per group commit. ns/msg is
// the time for both writes of one send.
func BenchmarkSendCommits(b *testing.B) {
	s, chats := benchTenant(b, 50)
	ctx := context.Background()
	seq := 0
	for _, perCommit := range []int{1, 10} {
		b.Run(strconv.Itoa(perCommit), func(b *testing.B) {
			for b.Loop() {
				batch := &pgx.Batch{}
				outs := make([]*OutboundResult, perCommit)
				for i := range outs {
					seq++
					key := "k" + strconv.Itoa(seq) + "-" + strconv.FormatInt(time.Now().UnixNano(), 10)
					outs[i] = &OutboundResult{}
					QueueOutbound(batch, NewOutbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chats[seq%len(chats)],
						PlatformMessageID: "o" + key, SenderType: "AGENT", ContentType: "TEXT",
						Content: "Your order has shipped.", IdempotencyKey: &key}, outs[i])
				}
				if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
					b.Fatal(err)
				}
				batch = &pgx.Batch{}
				for _, o := range outs {
					var moved []Message
					id := o.Message.MessageID
					QueueStatus(batch, o.Message.ChatID, StatusChange{MessageID: &id, Status: "SENT"}, &moved)
				}
				if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perCommit), "ns/msg")
		})
	}
}
