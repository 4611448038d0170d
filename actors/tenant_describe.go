package actors

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/protos"
)

// OpTenantDescribe answers the tenant actor's view of itself, for operators.
const OpTenantDescribe = "tenant.describe"

// TenantDescription is a tenant actor and its children as operators see them.
type TenantDescription struct {
	TenantID      string                    `json:"tenantId"`
	Name          string                    `json:"name"`
	Member        string                    `json:"member"`
	ActivatedAt   time.Time                 `json:"activatedAt"`
	LastCommandAt *time.Time                `json:"lastCommandAt"`
	IdleSeconds   float64                   `json:"idleSeconds"`
	Commands      int64                     `json:"commands"`
	Conversations []ConversationDescription `json:"conversations"`
	Sessions      []SessionDescription      `json:"sessions"`
}

// ConversationDescription is one active conversation actor.
type ConversationDescription struct {
	ChatID   uuid.UUID `json:"chatId"`
	Stopping bool      `json:"stopping"`
	Waiting  int       `json:"waiting"`
}

// SessionDescription is one channel session actor.
type SessionDescription struct {
	ChannelID uuid.UUID `json:"channelId"`
	Platform  string    `json:"platform"`
	Live      bool      `json:"live"`
	Status    any       `json:"status,omitempty"`
}

func init() {
	actorOps[OpTenantDescribe] = func(t *tenantActor, ctx actor.Context, cmd *Command) {
		ctx.Respond(reply(t.describe(ctx), nil, t.log, cmd.TenantCommand))
	}
}

func (t *tenantActor) describe(ctx actor.Context) TenantDescription {
	d := TenantDescription{TenantID: t.tenantID.String(), Name: t.tenant.Name, Member: ctx.ActorSystem().Address(),
		ActivatedAt: t.activatedAt, Commands: t.commands, Conversations: []ConversationDescription{}, Sessions: []SessionDescription{}}
	if !t.lastCommandAt.IsZero() {
		last := t.lastCommandAt
		d.LastCommandAt = &last
		d.IdleSeconds = time.Since(last).Seconds()
	}
	for id, ref := range t.convs {
		d.Conversations = append(d.Conversations, ConversationDescription{ChatID: id, Stopping: ref.stopping, Waiting: len(ref.buffered)})
	}
	sort.Slice(d.Conversations, func(i, j int) bool { return d.Conversations[i].ChatID.String() < d.Conversations[j].ChatID.String() })
	for id, s := range t.sessions {
		d.Sessions = append(d.Sessions, SessionDescription{ChannelID: id, Platform: s.platform, Live: s.live, Status: s.status})
	}
	return d
}

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
func (n *Node) LocalTenants(ctx context.Context) []TenantDescription {
	out := []TenantDescription{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, pid := range n.local.snapshot() {
		wg.Add(1)
		go func(pid *actor.PID) {
			defer wg.Done()
			res, err := n.System.Root.RequestFuture(pid, &protos.TenantCommand{Op: OpTenantDescribe}, 2*time.Second).Result()
			if err != nil {
				return
			}
			var d TenantDescription
			if decodeReply(res, uuid.Nil, OpTenantDescribe, &d) == nil {
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
