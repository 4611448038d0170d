package node

import (
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// warmDispatcher runs actor mailboxes on long-lived goroutines. protoactor's default dispatcher starts a new
// goroutine for every mailbox run; a new goroutine starts with a small stack, and a run that decodes JSON
// or talks to pgx grows it by copying, again on every run (about 8% of the CPU of the ingest benchmark went
// to runtime.copystack). A worker keeps the stack it grew.
//
// A run never waits for a worker: when none is idle, Schedule starts a new one, so an actor that blocks (a
// tenant activating, a synchronous query) cannot hold up the others, exactly as with the default
// dispatcher. At most maxIdle workers stay parked; the others exit when they have nothing to do.
type warmDispatcher struct {
	throughput int
	maxIdle    int32
	idle       atomic.Int32
	work       chan func()
}

// newWarmDispatcher creates a dispatcher; throughput is how many messages a mailbox handles before it yields.
func newWarmDispatcher(throughput, maxIdle int) *warmDispatcher {
	return &warmDispatcher{throughput: throughput, maxIdle: int32(maxIdle), work: make(chan func())}
}

var _ actor.Dispatcher = (*warmDispatcher)(nil)

// Schedule hands fn to a parked worker, or starts one.
func (d *warmDispatcher) Schedule(fn func()) {
	select {
	case d.work <- fn:
	default:
		go d.worker(fn)
	}
}

// Throughput is the number of messages a mailbox processes before yielding.
func (d *warmDispatcher) Throughput() int { return d.throughput }

func (d *warmDispatcher) worker(fn func()) {
	for {
		fn()
		if d.idle.Add(1) > d.maxIdle {
			d.idle.Add(-1)
			return
		}
		fn = <-d.work
		d.idle.Add(-1)
	}
}

// dispatcher is the one the engine's actors share: the default throughput of protoactor, and enough parked
// workers for the mailboxes that run at the same time on a busy node.
var Dispatcher = newWarmDispatcher(300, 256)
