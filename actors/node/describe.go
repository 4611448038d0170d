package node

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
)

// localTenants tracks the tenant actors living on this member.
type localTenants struct {
	mu   sync.Mutex
	pids map[uuid.UUID]*actor.PID
}

func (l *localTenants) add(id uuid.UUID, pid *actor.PID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pids == nil {
		l.pids = make(map[uuid.UUID]*actor.PID)
	}
	l.pids[id] = pid
}

func (l *localTenants) remove(id uuid.UUID, pid *actor.PID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur := l.pids[id]; cur != nil && cur.Equal(pid) {
		delete(l.pids, id)
	}
}

func (l *localTenants) snapshot() map[uuid.UUID]*actor.PID {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[uuid.UUID]*actor.PID, len(l.pids))
	for k, v := range l.pids {
		out[k] = v
	}
	return out
}

// LocalTenants describes every tenant actor on this member.
func (n *Node) LocalTenants(ctx context.Context) []ops.TenantDescription {
	out := []ops.TenantDescription{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, pid := range n.local.snapshot() {
		wg.Add(1)
		go func(pid *actor.PID) {
			defer wg.Done()
			cmd := &Command{Op: ops.OpTenantDescribe.Name(), In: ops.None{}}
			res, err := n.System.Root.RequestFuture(pid, cmd, 2*time.Second).Result()
			if err != nil {
				return
			}
			if d, err := decodeAnswer[ops.TenantDescription](res, cmd.Op); err == nil {
				mu.Lock()
				out = append(out, d)
				mu.Unlock()
			}
		}(pid)
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].TenantID < out[j].TenantID })
	return out
}

// ClusterInfo is the cluster as this member sees it.
type ClusterInfo struct {
	Member       MemberInfo   `json:"member"`
	Members      []MemberInfo `json:"members"`
	Blocked      []string     `json:"blocked"`
	TopologyHash uint64       `json:"topologyHash"`
	Provider     string       `json:"provider"`
}

// MemberInfo is one cluster member.
type MemberInfo struct {
	ID      string   `json:"id"`
	Address string   `json:"address"`
	Kinds   []string `json:"kinds"`
	Status  string   `json:"status"`
}

// ClusterInfo reports the current topology.
func (n *Node) ClusterInfo() ClusterInfo {
	info := ClusterInfo{Member: MemberInfo{ID: n.System.ID, Address: n.System.Address(), Kinds: []string{TenantKind}, Status: "alive"},
		Members: []MemberInfo{}, Blocked: []string{}, Provider: n.deps.Config.ClusterProvider}
	if topo := n.topology.Load(); topo != nil {
		info.TopologyHash = topo.TopologyHash
		for _, m := range topo.Members {
			info.Members = append(info.Members, MemberInfo{ID: m.Id, Address: m.Address(), Kinds: m.Kinds, Status: "alive"})
		}
		for _, m := range topo.Blocked {
			info.Blocked = append(info.Blocked, m)
		}
	}
	sort.Slice(info.Members, func(i, j int) bool { return info.Members[i].Address < info.Members[j].Address })
	return info
}

// TenantStarted records a tenant actor activated on this member (for Stop and the operator views).
func (n *Node) TenantStarted(id uuid.UUID, pid *actor.PID) { n.local.add(id, pid) }

// TenantStopped forgets a tenant actor that stopped.
func (n *Node) TenantStopped(id uuid.UUID, pid *actor.PID) { n.local.remove(id, pid) }
