package node

import (
	"errors"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/cluster"
)

// errMemberLeft ends an attempt of Call whose tenant was on a member that left the cluster meanwhile.
var errMemberLeft = errors.New("the member hosting the tenant left the cluster")

// memberWatch tells the attempts of Call in flight to another member that this member has left the cluster.
// A request already sent to a member that dies gets no answer: without the watch it waited out its
// attempt (attemptTimeout), long after the survivors' topology had dropped the member and the tenant could
// be served again.
type memberWatch struct {
	mu      sync.Mutex
	waiting map[string]map[chan struct{}]struct{} // member address → one channel per attempt
}

// watch returns a channel closed when the member at address leaves, and the function that stops watching.
func (w *memberWatch) watch(address string) (left <-chan struct{}, stop func()) {
	ch := make(chan struct{})
	w.mu.Lock()
	if w.waiting == nil {
		w.waiting = make(map[string]map[chan struct{}]struct{})
	}
	if w.waiting[address] == nil {
		w.waiting[address] = make(map[chan struct{}]struct{})
	}
	w.waiting[address][ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		if set := w.waiting[address]; set != nil {
			delete(set, ch)
			if len(set) == 0 {
				delete(w.waiting, address)
			}
		}
		w.mu.Unlock()
	}
}

// topologyChanged closes the channels of the attempts waiting on members that left.
func (w *memberWatch) topologyChanged(topo *cluster.ClusterTopology) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range topo.Left {
		for ch := range w.waiting[m.Address()] {
			close(ch)
		}
		delete(w.waiting, m.Address())
	}
}

// attempt is one try of Call. When the tenant's grain is known to be on another member, the try ends with
// errMemberLeft as soon as that member leaves the cluster, so that Call retries on the new owner at once.
// The abandoned request may still have been carried out by the member before it died, exactly as when a
// try times out: the operations that must not run twice carry their own key (a platform message id, an
// idempotency key).
func (n *Node) attempt(identity string, cmd *Command, timeout time.Duration) (any, error) {
	request := func() (any, error) {
		return n.Cluster.Request(identity, TenantKind, cmd, cluster.WithTimeout(timeout), cluster.WithRetryCount(1))
	}
	pid, _ := n.Cluster.PidCache.Get(identity, TenantKind)
	if pid == nil || pid.Address == n.Address() {
		return request()
	}
	left, stop := n.leaving.watch(pid.Address)
	defer stop()
	type answer struct {
		res any
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := request()
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-left:
		select {
		case a := <-done: // answered as the member left: keep the answer
			return a.res, a.err
		default:
			return nil, errMemberLeft
		}
	}
}
