package node

import (
	"context"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// At most one tenant actor in the cluster: protoactor's distributed hash can place a tenant on two members
// while their topology views converge (after a fresh start, at every rolling restart and failover), and two
// tenant actors would mean two writers for one chat. So an activation first takes the tenant's lease in the
// master database (a new, higher epoch), and only if it is free: released by a passivation, or expired
// because its holder stopped renewing it (killed). This member renews the leases of its tenants every
// LeaseRenewEvery in one statement; a tenant whose lease was lost stops at once (LeaseLost). The epoch is
// also the tenant database's fence (persistence.MoveFence): writes of an activation that lost its lease are
// refused there, whatever it still believes. The tenant grain takes and releases its lease (package tenant).
const (
	LeaseTTL        = 6 * time.Second
	LeaseRenewEvery = 1500 * time.Millisecond
)

// CodeTenantElsewhere is the failure of an activation that found the lease held by another one, or of a
// write the fence refused. Ask retries it: the other activation is passivating, or the topology views are
// converging, and a later attempt reaches the right member. It never reaches a client.
const CodeTenantElsewhere = "tenant_elsewhere"

// ErrTenantElsewhere is the error behind CodeTenantElsewhere.
var ErrTenantElsewhere = &domain.Error{Code: CodeTenantElsewhere, Message: "the tenant is active on another member, try again"}

// ErrTenantSuspended stops a suspended tenant's actor.
var ErrTenantSuspended = domain.Forbidden("tenant is suspended")

// LeaseLost tells a tenant actor its lease was lost (or its tenant suspended): it stops at once, answering
// Reason to what it still has queued.
type LeaseLost struct{ Reason error }

// leases are the tenant leases this member holds, renewed together.
type leases struct {
	mu   sync.Mutex
	held map[uuid.UUID]heldLease
	// renewedAt is when the leases were last renewed; a member that cannot reach the master database for
	// about LeaseTTL stops its tenants, since their leases may have been taken.
	renewedAt time.Time
}

type heldLease struct {
	epoch int64
	pid   *actor.PID
}

// LeaseHeld registers an activation's lease for renewal.
func (n *Node) LeaseHeld(id uuid.UUID, epoch int64, pid *actor.PID) {
	n.leases.mu.Lock()
	defer n.leases.mu.Unlock()
	if n.leases.held == nil {
		n.leases.held = make(map[uuid.UUID]heldLease)
	}
	n.leases.held[id] = heldLease{epoch: epoch, pid: pid}
}

// LeaseReleased stops renewing an activation's lease.
func (n *Node) LeaseReleased(id uuid.UUID, epoch int64) {
	n.leases.mu.Lock()
	defer n.leases.mu.Unlock()
	if h, ok := n.leases.held[id]; ok && h.epoch == epoch {
		delete(n.leases.held, id)
	}
}

// leaseRefused and leaseLost count, for metrics.
func (n *Node) leaseRefused() { metricLeaseRefused.Inc() }

// AcquireLease takes a tenant's lease for an activation on this member; ErrTenantElsewhere when another
// activation holds it or the tenant's database is being moved (Call retries: the move's pause). The lease
// says which server holds the tenant's database now.
func (n *Node) AcquireLease(ctx context.Context, tenantID uuid.UUID) (persistence.TenantLease, error) {
	lease, ok, err := n.deps.Master.AcquireTenantLease(ctx, tenantID, n.Address(), LeaseTTL)
	if err != nil {
		return lease, err
	}
	if !ok {
		n.leaseRefused()
		return lease, ErrTenantElsewhere
	}
	return lease, nil
}

// ReleaseLease frees an activation's lease at passivation, so that the next activation, anywhere, need
// not wait for it to expire.
func (n *Node) ReleaseLease(tenantID uuid.UUID, epoch int64) error {
	n.LeaseReleased(tenantID, epoch)
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return n.deps.Master.ReleaseTenantLease(c, tenantID, epoch)
}

// leaseLoop renews this member's leases until stop is closed.
func (n *Node) leaseLoop(stop <-chan struct{}) {
	tick := time.NewTicker(LeaseRenewEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			n.renewLeases()
		}
	}
}

func (n *Node) renewLeases() {
	n.leases.mu.Lock()
	held := make(map[uuid.UUID]heldLease, len(n.leases.held))
	list := make([]persistence.HeldLease, 0, len(n.leases.held))
	for id, h := range n.leases.held {
		held[id] = h
		list = append(list, persistence.HeldLease{TenantID: id, Epoch: h.epoch})
	}
	n.leases.mu.Unlock()
	if len(list) == 0 {
		return
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), LeaseRenewEvery)
	defer cancel()
	renewed, err := n.deps.Master.RenewTenantLeases(ctx, n.Address(), list, LeaseTTL)
	if err != nil {
		n.leases.mu.Lock()
		stale := !n.leases.renewedAt.IsZero() && time.Since(n.leases.renewedAt) > LeaseTTL-LeaseRenewEvery
		n.leases.mu.Unlock()
		n.deps.Log.Warn("renewing tenant leases", "tenants", len(list), "err", err, "stopping_tenants", stale)
		if stale {
			for _, h := range held {
				n.System.Root.Send(h.pid, &LeaseLost{Reason: ErrTenantElsewhere})
			}
		}
		return
	}
	n.leases.mu.Lock()
	n.leases.renewedAt = start
	n.leases.mu.Unlock()
	for id, h := range held {
		status, ok := renewed[id]
		switch {
		case !ok:
			metricLeaseLost.Inc()
			n.deps.Log.Warn("tenant lease lost: stopping the tenant here", "tenant_id", id, "epoch", h.epoch)
			n.System.Root.Send(h.pid, &LeaseLost{Reason: ErrTenantElsewhere})
		case status == persistence.TenantSuspended:
			n.System.Root.Send(h.pid, &LeaseLost{Reason: ErrTenantSuspended})
		case status == persistence.LeaseMoving:
			// A move waits for the lease: the tenant stops (its writer commits what it holds) and releases it.
			n.deps.Log.Info("tenant database moving: stopping the tenant here", "tenant_id", id)
			n.System.Root.Send(h.pid, &LeaseLost{Reason: ErrTenantElsewhere})
		}
	}
}

// activeElsewhere reports whether a reply says the tenant's lease is held by another activation (this one
// could not take it, or lost it): nothing was done, and the next attempt may reach the right member.
func activeElsewhere(res any) bool {
	switch r := res.(type) {
	case *Answer:
		return r.Err != nil && r.Err.Code == CodeTenantElsewhere
	case *protos.TenantReply:
		return r.GetFailure().GetCode() == CodeTenantElsewhere
	}
	return false
}
