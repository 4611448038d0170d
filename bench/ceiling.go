package bench

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/persistence"
)

// CeilingResult is the database's own rate for the engine's inbound write pattern, straight from pgx: the
// statement of one message (persistence.QueueInbound: insert the message unless known, bump the chat, read
// back what the engine does not know) one per transaction, and the db writer's group of BatchRows messages
// in one statement (persistence.InboundGroup) per transaction.
type CeilingResult struct {
	Connections   int     `json:"connections"`
	WindowSeconds float64 `json:"windowSeconds"`
	// OnePerTx is rows/s with one transaction per message; Batched with BatchRows messages per transaction.
	OnePerTx    float64 `json:"onePerTxRowsPerSecond"`
	Batched     float64 `json:"batchedRowsPerSecond"`
	BatchRows   int     `json:"batchRows"`
	Errors      int64   `json:"errors"`
	OnePerTxCPU *CPUUse `json:"onePerTxCPU,omitempty"`
	BatchedCPU  *CPUUse `json:"batchedCPU,omitempty"`
	// OnePerTxLatency is the time of one transaction of one message: the database's own commit latency
	// under this load, a floor for any latency the engine reports.
	OnePerTxLatency Latency `json:"onePerTxLatency"`
	BatchedLatency  Latency `json:"batchedLatency"`
	// Floor is rows/s of the physical floor, measured in the same run on the same connections: a plain
	// INSERT of the message row into the same table (same indexes), BatchRows per transaction, with no
	// de-duplication, no chat work and nothing returned.
	Floor        float64 `json:"floorRowsPerSecond"`
	FloorCPU     *CPUUse `json:"floorCPU,omitempty"`
	FloorLatency Latency `json:"floorLatency"`
	// FloorMulti is the floor as one multi-row INSERT (unnest) per transaction instead of BatchRows
	// statements: the engine stores a group with one statement too, so this is the floor without the cost
	// of a statement per row. Reported next to the target, which is judged on Floor (issue 17's definition).
	FloorMulti    float64 `json:"floorMultiRowsPerSecond"`
	FloorMultiCPU *CPUUse `json:"floorMultiCPU,omitempty"`
}

// sqlFloorInsert is the floor's statement: the inbound message row as the engine stores it, nothing else.
const sqlFloorInsert = `INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, timestamp)
	VALUES ($1, $2, $3, 'CUSTOMER', 'TEXT', $4, $5)`

// sqlFloorInsertMulti is the same rows with one statement.
const sqlFloorInsertMulti = `INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, timestamp)
	SELECT id, chat, pmid, 'CUSTOMER', 'TEXT', content, ts FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS r(id, chat, pmid, content, ts)`

// floorMode is how the floor's rows are sent: none (the engine's statements), one statement per row, or one
// multi-row statement per transaction.
type floorMode int

const (
	engineWrites floorMode = iota
	floorRows
	floorMultiRow
)

// ceilingWorker owns one connection to one tenant database and writes into its share of the chats.
type ceilingWorker struct {
	conn  *pgx.Conn
	id    int
	chats []uuid.UUID
	seq   int
}

// queue queues len(results) customers' messages as the engine's db writer does: one statement for the
// group (one message alone takes the one-message statement).
func (w *ceilingWorker) queue(b *pgx.Batch, results []persistence.InboundResult) {
	var group persistence.InboundGroup
	for i := range results {
		w.seq++
		chat := w.chats[w.seq%len(w.chats)]
		content := "Hi, is my order " + strconv.Itoa(w.seq) + " on its way? Thanks!"
		group.Add(persistence.NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chat,
			PlatformMessageID: "c-" + strconv.Itoa(w.id) + "-" + strconv.Itoa(w.seq) + "-" + strconv.FormatInt(time.Now().UnixNano(), 10),
			ContentType:       "TEXT", Content: content, Timestamp: time.Now().UTC()}, &results[i])
	}
	group.Queue(b)
}

// queueFloor queues n plain message inserts (the floor): n statements, or one multi-row statement.
func (w *ceilingWorker) queueFloor(b *pgx.Batch, n int, multi bool) {
	ids, chats, pmids, contents, times := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i := range n {
		w.seq++
		ids[i], chats[i], times[i] = uuid.Must(uuid.NewV7()), w.chats[w.seq%len(w.chats)], time.Now().UTC()
		pmids[i] = "f-" + strconv.Itoa(w.id) + "-" + strconv.Itoa(w.seq) + "-" + strconv.FormatInt(time.Now().UnixNano(), 10)
		contents[i] = "Hi, is my order " + strconv.Itoa(w.seq) + " on its way? Thanks!"
		if !multi {
			b.Queue(sqlFloorInsert, ids[i], chats[i], pmids[i], contents[i], times[i])
		}
	}
	if multi {
		b.Queue(sqlFloorInsertMulti, ids, chats, pmids, contents, times)
	}
}

// runCeiling opens conns connections spread over the tenants (chats split between the workers of a tenant)
// and measures both modes for window each.
func (e *env) runCeiling(ctx context.Context, list []*tenant, conns, batchRows int, window time.Duration) (CeilingResult, error) {
	res := CeilingResult{Connections: conns, WindowSeconds: window.Seconds(), BatchRows: batchRows}
	perTenant := make(map[int]int)
	for i := range conns {
		perTenant[i%len(list)]++
	}
	workers := make([]*ceilingWorker, conns)
	for i := range conns {
		ti := i % len(list)
		t := list[ti]
		url, err := persistence.WithDatabase(e.serverURL, t.db)
		if err != nil {
			return res, err
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return res, err
		}
		defer conn.Close(context.Background())
		persistence.RegisterTypes(conn.TypeMap()) // as the engine's tenant pools do
		// Worker k of a tenant's n workers writes into chats k, k+n, k+2n, ...: no two share a chat row.
		k, n := i/len(list), perTenant[ti]
		w := &ceilingWorker{conn: conn, id: i}
		for c := k; c < len(t.chats); c += n {
			w.chats = append(w.chats, t.chats[c])
		}
		if len(w.chats) == 0 {
			w.chats = t.chats[:1]
		}
		workers[i] = w
	}
	var errs atomic.Int64
	measure := func(rowsPerTx int, floor floorMode) (float64, *CPUUse, Latency) {
		var lat Samples
		var rows atomic.Int64
		var wg sync.WaitGroup
		warm := time.Now().Add(window / 5)
		end := warm.Add(window)
		cpu := e.cpu.window(warm, end)
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sh := lat.Shard()
				results := make([]persistence.InboundResult, rowsPerTx)
				for time.Now().Before(end) {
					start := time.Now()
					// One pipelined batch is one transaction (implicit, committed at its Sync), as the
					// engine's db writer commits a group.
					b := &pgx.Batch{}
					if floor == engineWrites {
						w.queue(b, results)
					} else {
						w.queueFloor(b, rowsPerTx, floor == floorMultiRow)
					}
					err := w.conn.SendBatch(ctx, b).Close()
					if err != nil {
						errs.Add(1)
						continue
					}
					if now := time.Now(); now.After(warm) && now.Before(end) {
						rows.Add(int64(rowsPerTx))
						sh.Add(now.Sub(start))
					}
				}
			}()
		}
		wg.Wait()
		return perSecond(rows.Load(), window), <-cpu, lat.Summary()
	}
	res.OnePerTx, res.OnePerTxCPU, res.OnePerTxLatency = measure(1, engineWrites)
	res.Batched, res.BatchedCPU, res.BatchedLatency = measure(batchRows, engineWrites)
	res.Floor, res.FloorCPU, res.FloorLatency = measure(batchRows, floorRows)
	res.FloorMulti, res.FloorMultiCPU, _ = measure(batchRows, floorMultiRow)
	res.Errors = errs.Load()
	return res, nil
}
