package node

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/persistence"
)

// moveLoop listens in the master database for tenant moves (persistence.MoveChannel) and stops at once a
// tenant whose lease this member holds, instead of at the next lease renewal (up to LeaseRenewEvery later):
// a move's write pause runs from its claim. A lost connection is made again after a second; a missed
// notification costs only the renewal's delay, since the renewal sees the claim too.
func (n *Node) moveLoop(stop <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	for ctx.Err() == nil {
		err := n.listenMoves(ctx)
		if ctx.Err() != nil {
			return
		}
		n.deps.Log.Debug("listening for tenant moves", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (n *Node) listenMoves(ctx context.Context) error {
	pooled, err := n.deps.Master.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A listening connection never goes back to the pool: its notifications would pile up there.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+persistence.MoveChannel); err != nil {
		return err
	}
	for {
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, err := uuid.Parse(note.Payload)
		if err != nil {
			continue
		}
		n.leases.mu.Lock()
		h, ok := n.leases.held[id]
		n.leases.mu.Unlock()
		if ok {
			n.deps.Log.Info("tenant database moving: stopping the tenant here", "tenant_id", id)
			n.System.Root.Send(h.pid, &LeaseLost{Reason: ErrTenantElsewhere})
		}
	}
}
