package tenant

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/internal/testkit/testdb"
	"github.com/aezen/engine/persistence"
)

// writerFixture is a db writer on a real tenant database with a probe table its jobs insert into.
type writerFixture struct {
	t      *testing.T
	store  *persistence.TenantStore
	system *actor.ActorSystem
	writer *actor.PID
}

func newWriterFixture(t *testing.T) *writerFixture {
	t.Helper()
	store := testdb.Tenant(t)
	if _, err := store.Pool.Exec(context.Background(), `CREATE TABLE writer_probe (
		id bigserial PRIMARY KEY, requester int NOT NULL, seq int NOT NULL, tx bigint NOT NULL, UNIQUE (requester, seq))`); err != nil {
		t.Fatal(err)
	}
	system := actor.NewActorSystem()
	t.Cleanup(system.Shutdown)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	writer := system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return newDBWriter(store, log, 30*time.Second) }))
	return &writerFixture{t: t, store: store, system: system, writer: writer}
}

// insert is a job's statement: one probe row, with the id of the transaction it commits in.
func insert(requester, seq int) func(b *pgx.Batch) {
	return func(b *pgx.Batch) {
		b.Queue(`INSERT INTO writer_probe (requester, seq, tx) VALUES ($1, $2, txid_current())`, requester, seq)
	}
}

// requester is an actor that queues jobs on the writer, as a conversation actor does, and runs each job's
// then on its own mailbox when the writer reports it.
type requester struct {
	writer *actor.PID
	jobs   []*writeJob
}

func (r *requester) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		for _, j := range r.jobs {
			j.replyTo = ctx.Self()
			ctx.Send(r.writer, j)
		}
	case *writeDone:
		msg.job.then(ctx, msg.err)
	}
}

func (f *writerFixture) run(jobs ...*writeJob) {
	f.system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &requester{writer: f.writer, jobs: jobs} }))
}

// results collects the outcome of jobs in the order their then ran.
type results struct {
	mu   sync.Mutex
	seqs map[int][]int
	errs map[[2]int]error
	n    int
	all  chan struct{}
	want int
}

func newResults(want int) *results {
	return &results{seqs: map[int][]int{}, errs: map[[2]int]error{}, all: make(chan struct{}), want: want}
}

func (r *results) job(requester, seq int, queue func(b *pgx.Batch), lazy bool) *writeJob {
	return &writeJob{queue: queue, lazy: lazy, then: func(_ actor.Context, err error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.seqs[requester] = append(r.seqs[requester], seq)
		r.errs[[2]int{requester, seq}] = err
		if r.n++; r.n == r.want {
			close(r.all)
		}
	}}
}

func (r *results) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-r.all:
	case <-time.After(timeout):
		r.mu.Lock()
		defer r.mu.Unlock()
		t.Fatalf("%d of %d jobs answered within %s", r.n, r.want, timeout)
	}
}

func (f *writerFixture) probe(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.store.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestDBWriterGroupCommitsInArrivalOrder: many requesters queue jobs at once. Every job commits and is
// answered; each requester hears its answers in the order it sent the jobs, and its rows were written in
// that order; and jobs share transactions (group commit) instead of paying one each.
func TestDBWriterGroupCommitsInArrivalOrder(t *testing.T) {
	f := newWriterFixture(t)
	const requesters, jobs = 8, 40
	res := newResults(requesters * jobs)
	for r := range requesters {
		list := make([]*writeJob, jobs)
		for s := range jobs {
			list[s] = res.job(r, s, insert(r, s), false)
		}
		f.run(list...)
	}
	res.wait(t, 60*time.Second)

	for r := range requesters {
		seqs := res.seqs[r]
		for s := range jobs {
			if err := res.errs[[2]int{r, s}]; err != nil {
				t.Fatalf("requester %d job %d: %v", r, s, err)
			}
			if seqs[s] != s {
				t.Fatalf("requester %d heard its answers in the order %v", r, seqs)
			}
		}
		// Rows in id order (insertion order) have increasing seq for each requester.
		if n := f.probe(`SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS prev FROM writer_probe WHERE requester = $1) s
			WHERE prev IS NOT NULL AND seq <= prev`, r); n != 0 {
			t.Fatalf("requester %d: %d rows written out of order", r, n)
		}
	}
	rows, txs := f.probe(`SELECT count(*) FROM writer_probe`), f.probe(`SELECT count(DISTINCT tx) FROM writer_probe`)
	if rows != requesters*jobs || txs >= rows {
		t.Fatalf("%d rows in %d transactions: want %d rows sharing commits", rows, txs, requesters*jobs)
	}
}

// TestDBWriterBadJobFailsAlone: a job that fails inside a group commit fails alone; the jobs it shared the
// batch with are retried one by one and commit.
func TestDBWriterBadJobFailsAlone(t *testing.T) {
	f := newWriterFixture(t)
	res := newResults(4)
	slow := func(b *pgx.Batch) { b.Queue(`SELECT pg_sleep(0.3)`) } // keeps a commit in flight while the rest queue
	bad := func(b *pgx.Batch) {
		b.Queue(`INSERT INTO writer_probe (requester, seq, tx) VALUES (0, 1, txid_current())`)
	} // (0, 1) again
	f.run(res.job(0, 0, slow, false), res.job(0, 1, insert(0, 1), false), res.job(0, 2, bad, false), res.job(0, 3, insert(0, 3), false))
	res.wait(t, 30*time.Second)
	for s, wantErr := range []bool{false, false, true, false} {
		if err := res.errs[[2]int{0, s}]; (err != nil) != wantErr {
			t.Fatalf("job %d: err %v, want an error: %v", s, err, wantErr)
		}
	}
	if n := f.probe(`SELECT count(*) FROM writer_probe`); n != 2 {
		t.Fatalf("%d rows, want the two good jobs'", n)
	}
}

// TestDBWriterLazyJobs: a lazy job alone waits for company at most about lazyWindow; a lazy job followed by
// an eager one shares its commit; and a lazy job still waiting when the writer stops is committed, not lost.
func TestDBWriterLazyJobs(t *testing.T) {
	f := newWriterFixture(t)

	start := time.Now()
	alone := newResults(1)
	f.run(alone.job(1, 0, insert(1, 0), true))
	alone.wait(t, 10*time.Second)
	if waited := time.Since(start); waited < lazyWindow-10*time.Millisecond {
		t.Fatalf("a lazy job alone committed after %s, before the %s window", waited, lazyWindow)
	}

	shared := newResults(2)
	f.run(shared.job(2, 0, insert(2, 0), true), shared.job(2, 1, insert(2, 1), false))
	shared.wait(t, 10*time.Second)
	if n := f.probe(`SELECT count(DISTINCT tx) FROM writer_probe WHERE requester = 2`); n != 1 {
		t.Fatalf("a lazy and an eager job queued together committed in %d transactions, want 1", n)
	}

	// Sent from the root, the job is in the writer's mailbox before the poison pill that follows it.
	pending := newResults(1).job(3, 0, insert(3, 0), true)
	pending.replyTo = f.system.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	f.system.Root.Send(f.writer, pending)
	if err := f.system.Root.PoisonFuture(f.writer).Wait(); err != nil {
		t.Fatal(err)
	}
	if n := f.probe(`SELECT count(*) FROM writer_probe WHERE requester = 3`); n != 1 {
		t.Fatalf("the lazy job pending when the writer stopped: %d rows, want 1", n)
	}
}
