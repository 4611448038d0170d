package tenant

import (
	"context"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/persistence"
)

// maxCommitJobs caps one group commit so that a burst cannot make a single transaction huge.
const maxCommitJobs = 512

// lazyWindow is how long a lazy job may wait for other work to share its commit. A tenant sending 20
// messages a second (the bench's 2,000 sends/s over 100 tenants) commits a PENDING row every 50 ms on
// average: with 20 ms, two thirds of the SENT reports paid for a commit of their own; with 100 ms, about
// one in seven does. The cost is a quiet tenant's SENT status showing up to 100 ms later.
const lazyWindow = 100 * time.Millisecond

// writeJob is one unit of work for the db writer: queue adds its statements to the batch (with callbacks
// that capture results); when the batch has committed or failed, the writer sends writeDone to replyTo,
// whose actor then runs then on its own goroutine.
type writeJob struct {
	queue func(b *pgx.Batch)
	// inbound, set instead of queue, is a customer's message to store (persistence.QueueInbound), with
	// inboundOut for the answer: the writer stores the inbound messages of a group commit with one
	// statement (persistence.InboundGroup).
	inbound    *persistence.NewInbound
	inboundOut *persistence.InboundResult
	replyTo    *actor.PID
	then       func(ctx actor.Context, err error)
	// lazy jobs have nobody waiting on them (a session's report that a message was sent): they may wait
	// up to lazyWindow for another job to commit with, instead of paying for a commit of their own.
	lazy bool
}

// writeDone is sent to a job's requester when its job is committed or failed.
type writeDone struct {
	job *writeJob
	err error
}

type flushDone struct {
	jobs []*writeJob
	errs []error
}

// lazyTick flushes lazy jobs that found nothing to commit with.
type lazyTick struct{}

// dbWriter owns a tenant's writes and commits them in groups: while one transaction is in flight, new jobs
// queue up and all go into the next one, a single round trip and a single commit. Jobs commit in the order
// they arrived, so a conversation's writes keep their order. A failing batch is retried job by job, so one
// bad job fails alone.
//
// Commits are what a tenant's writes cost most (in the bench's send profile, two commits per agent send:
// the PENDING row, then SENT). Lazy jobs therefore do not start a commit: they join the next one, or the
// one lazyWindow later if nothing else comes.
type dbWriter struct {
	store    *persistence.TenantStore
	timeout  time.Duration // of one commit (AEZEN_ACTIVATION_TIMEOUT)
	log      *slog.Logger
	pending  []*writeJob
	flushing bool
	ticking  bool // a lazyTick is on its way
	eager    int  // pending jobs that are not lazy
	// notify (the webhook dispatcher) hears of every commit: the commit may have added webhook deliveries.
	notify *actor.PID
}

func newDBWriter(store *persistence.TenantStore, log *slog.Logger, timeout time.Duration) *dbWriter {
	return &dbWriter{store: store, log: log, timeout: timeout}
}

func (w *dbWriter) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *writeJob:
		w.pending = append(w.pending, msg)
		if !msg.lazy {
			w.eager++
		}
		w.maybeFlush(ctx)
	case *flushDone:
		w.flushing = false
		if w.notify != nil {
			ctx.Send(w.notify, &webhookPoke{})
		}
		for i, job := range msg.jobs {
			ctx.Send(job.replyTo, &writeDone{job: job, err: msg.errs[i]})
		}
		w.maybeFlush(ctx)
	case *lazyTick:
		w.ticking = false
		if !w.flushing && len(w.pending) > 0 {
			w.flush(ctx)
		}
	case *actor.Stopping:
		// Best effort for lazy jobs still waiting: commit them now rather than lose them.
		if !w.flushing && len(w.pending) > 0 {
			commitJobs(w.store, w.pending, w.log, w.timeout)
			w.pending = nil
		}
	}
}

// maybeFlush starts a commit when none is in flight and some job is waiting: at once if one of them is
// eager, after lazyWindow if they are all lazy.
func (w *dbWriter) maybeFlush(ctx actor.Context) {
	switch {
	case w.flushing || len(w.pending) == 0:
	case w.eager > 0:
		w.flush(ctx)
	case !w.ticking:
		w.ticking = true
		self, root := ctx.Self(), ctx.ActorSystem().Root
		time.AfterFunc(lazyWindow, func() { root.Send(self, &lazyTick{}) })
	}
}

func (w *dbWriter) flush(ctx actor.Context) {
	n := min(len(w.pending), maxCommitJobs)
	jobs := w.pending[:n:n]
	w.pending = w.pending[n:]
	for _, j := range jobs {
		if !j.lazy {
			w.eager--
		}
	}
	w.flushing = true
	self := ctx.Self()
	root := ctx.ActorSystem().Root
	// The commit runs off the mailbox (jobs keep queuing meanwhile), on a warm goroutine of the dispatcher.
	node.Dispatcher.Schedule(func() {
		root.Send(self, &flushDone{jobs: jobs, errs: commitJobs(w.store, jobs, w.log, w.timeout)})
	})
}

// commitJobs runs every job in one transaction; when that fails, it retries each job in a transaction of
// its own so that only the bad ones fail.
func commitJobs(store *persistence.TenantStore, jobs []*writeJob, log *slog.Logger, timeout time.Duration) []error {
	metricCommitBatch.Observe(float64(len(jobs)))
	errs := make([]error, len(jobs))
	err := runBatch(store, jobs, timeout)
	if err == nil {
		return errs
	}
	if len(jobs) == 1 {
		errs[0] = err
		return errs
	}
	log.Warn("group commit failed, retrying jobs one by one", "jobs", len(jobs), "err", err)
	for i, job := range jobs {
		errs[i] = runBatch(store, []*writeJob{job}, timeout)
	}
	return errs
}

// runBatch commits the jobs' statements as one batch. pgx sends a batch as one pipeline closed by a single
// Sync, which PostgreSQL runs as one implicit transaction: all statements commit together (durably, with
// synchronous_commit on, before the answer comes back) or none does. That is one round trip per group
// commit instead of three with BEGIN and COMMIT around it. The context is not the actor's life: a commit
// under way finishes even when the tenant stops, so that what was acknowledged is what is stored.
func runBatch(store *persistence.TenantStore, jobs []*writeJob, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return store.Pool.SendBatch(ctx, batchOf(jobs)).Close()
}

// batchOf queues the jobs' statements in their order. Customers' messages that follow each other (with no
// other job between them) share one statement, unless one names another's platform id (InboundGroup.Add).
func batchOf(jobs []*writeJob) *pgx.Batch {
	b := &pgx.Batch{}
	var group persistence.InboundGroup
	for _, j := range jobs {
		if j.inbound == nil {
			group.Queue(b)
			j.queue(b)
			continue
		}
		if !group.Add(*j.inbound, j.inboundOut) {
			group.Queue(b)
			group.Add(*j.inbound, j.inboundOut)
		}
	}
	group.Queue(b)
	return b
}
