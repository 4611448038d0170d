// Package node is the engine's runtime: one protoactor-go cluster member whose grains are tenants (their
// behaviour is package tenant's). It asks tenants for operations wherever they live (Call), publishes tenant
// events to every member's WebSocket clients, wakes the tenants that have work after a restart, and holds what
// the actors share: the node-wide services (Deps), the warm dispatcher and the envelope of operations.
package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/test"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
	"github.com/aezen/engine/sessions"
)

// TenantKind is the cluster kind of tenant grains; a grain's identity is the tenant id.
const TenantKind = "tenant"

// gatewayName is the well-known actor on every member that hands tenant events to local WebSocket clients.
const gatewayName = "aezen-gateway"

// EventSink receives the real-time events of tenants; the WebSocket hub implements it.
type EventSink interface {
	// Deliver hands an event to the tenant's clients on this member; a non-nil audience narrows who gets it.
	Deliver(tenantID uuid.UUID, event string, data []byte, audience *protos.Audience)
}

// Deps are the node-wide services actors use.
type Deps struct {
	Config *config.Config
	// Admin and Pools are those of the "default" server (DATABASE_URL); a tenant's own server is in Servers.
	Admin    *persistence.Admin
	Master   *persistence.Master
	Pools    *persistence.PoolManager
	Servers  *persistence.Servers
	Cipher   *persistence.Cipher
	Channels *sessions.Registry
	Log      *slog.Logger
}

// Node is one cluster member: the actor system, the cluster and the dependencies its actors share.
type Node struct {
	System  *actor.ActorSystem
	Cluster *cluster.Cluster
	deps    *Deps
	sink    EventSink
	gateway *actor.PID
	agent   *test.InMemAgent
	stop    chan struct{}
	// members holds the addresses of the cluster's members, kept from topology events: protoactor's
	// MemberList is not safe to read from other goroutines.
	members  atomic.Pointer[[]string]
	topology atomic.Pointer[cluster.ClusterTopology]
	local    localTenants
	leases   leases
	leaving  memberWatch
	// stopping is set when Stop begins: from then on no tenant activates here (Stopping).
	stopping atomic.Bool
	// woke is closed when the first wake-up pass after the start has ended (WokeUp).
	woke chan struct{}
}

// NodeOptions tune a node beyond the configuration.
type NodeOptions struct {
	// Sink receives events of tenants for the clients connected to this node.
	Sink EventSink
	// Tenant builds the props of the tenant grain (package tenant's Props). The runtime does not import the
	// tenant core: the tenant core imports the runtime, and the composition root puts the two together.
	Tenant func(*Node) *actor.Props
}

// StartNode starts the actor system and joins the cluster. With AEZEN_CLUSTER_PROVIDER=none the node is a
// single-member cluster, so that adding members later is configuration, not code.
func StartNode(deps *Deps, opts NodeOptions) (*Node, error) {
	cfg := deps.Config
	protoLog := deps.Log.With("component", "protoactor")
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return quietLogger(protoLog) }))
	n := &Node{System: system, deps: deps, sink: opts.Sink}

	provider, agent, err := clusterProvider(cfg)
	if err != nil {
		return nil, err
	}
	n.agent = agent
	remoteCfg, err := remoteConfig(cfg, deps.Log)
	if err != nil {
		return nil, err
	}
	if opts.Tenant == nil {
		return nil, errors.New("node: NodeOptions.Tenant is required")
	}
	tenantProps := opts.Tenant(n)
	clusterOpts := []cluster.ConfigOption{cluster.WithKinds(cluster.NewKind(TenantKind, tenantProps)),
		cluster.WithRequestTimeout(cfg.RequestTimeout)}
	if agent != nil {
		// A lone member (AEZEN_CLUSTER_PROVIDER=none) has no topology to settle with and no grains to hand
		// over: protoactor's fixed 1 s start and 2 s stop waits would only delay it.
		clusterOpts = append(clusterOpts, cluster.WithStartupSettle(0), cluster.WithShutdownHandover(0))
	}
	clusterCfg := cluster.Configure(cfg.ClusterName, provider, disthash.New(), remoteCfg, clusterOpts...)
	n.Cluster = cluster.New(system, clusterCfg)
	system.EventStream.Subscribe(func(evt interface{}) {
		if topo, ok := evt.(*cluster.ClusterTopology); ok {
			addrs := make([]string, 0, len(topo.Members))
			for _, m := range topo.Members {
				addrs = append(addrs, m.Address())
			}
			n.members.Store(&addrs)
			n.topology.Store(topo)
			n.leaving.topologyChanged(topo)
		}
	})
	n.Cluster.StartMember()

	gw, err := system.Root.SpawnNamed(actor.PropsFromFunc(n.receiveGatewayEvent), gatewayName)
	if err != nil {
		n.Cluster.Shutdown(true)
		return nil, fmt.Errorf("starting event gateway: %w", err)
	}
	n.gateway = gw
	n.stop, n.woke = make(chan struct{}), make(chan struct{})
	go n.wakeLoop(n.stop)
	go n.leaseLoop(n.stop)
	go n.moveLoop(n.stop)
	return n, nil
}

// Local is a node without a cluster: an actor system whose Publish reaches only sink, with deps for the
// actors that run on it. The actor-level tests of the tenant core and the channel sessions spawn their
// actors on one; engines start members with StartNode. Stop it with System.Shutdown (Stop is for members).
func Local(deps *Deps, sink EventSink) *Node {
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return quietLogger(deps.Log.With("component", "protoactor"))
	}))
	return &Node{System: system, deps: deps, sink: sink}
}

// Stop passivates this member's tenants and leaves the cluster. Until it has left, other members still
// route their tenants' calls here; an activation now would take a lease that nobody renews or releases
// (the member is gone before the tenant's next passivation), keeping the tenant away for LeaseTTL, so
// activations refuse (Stopping) and the callers retry until the topology no longer holds this member.
func (n *Node) Stop() {
	n.Drain()
	close(n.stop)
	n.passivateAll(10 * time.Second)
	n.Cluster.Shutdown(true)
}

// Drain makes this member refuse tenant activations from now on (Stop begins with it).
func (n *Node) Drain() { n.stopping.Store(true) }

// Stopping says that this member is stopping: a tenant grain must not activate on it.
func (n *Node) Stopping() bool { return n.stopping.Load() }

// passivateAll stops every tenant actor of this member and waits for them, so their pools close and
// their committed work is answered before the member leaves; the next request re-activates each tenant on
// the member that then owns it.
func (n *Node) passivateAll(timeout time.Duration) {
	var futures []*actor.Future
	for _, pid := range n.local.snapshot() {
		futures = append(futures, n.System.Root.PoisonFuture(pid))
	}
	deadline := time.Now().Add(timeout)
	for _, f := range futures {
		if time.Until(deadline) <= 0 {
			return
		}
		_ = f.Wait()
	}
}

// Address is this member's actor address (host:port).
func (n *Node) Address() string { return n.System.Address() }

// Call runs one operation on a tenant's grain, wherever it lives, and returns its typed answer. The op's
// declaration (package ops) fixes the input and answer types; the routing table of package tenant says
// where the op runs. Domain failures come back as *domain.Error. While the cluster changes (a member lost
// or joining), the grain may be unreachable for a moment: Call retries with backoff within
// AEZEN_REQUEST_TIMEOUT, so callers see a short delay instead of an error. Operations are safe to repeat:
// inbound messages are de-duplicated by platform id and sends carry idempotency keys.
func Call[In, Out any](ctx context.Context, n *Node, tenantID uuid.UUID, caller Caller, op ops.Op[In, Out], in In) (Out, error) {
	res, err := n.ask(ctx, tenantID, &Command{Op: op.Name(), Caller: caller, In: in})
	if err != nil {
		var zero Out
		return zero, err
	}
	return decodeAnswer[Out](res, op.Name())
}

// ask delivers a command to the tenant's grain and returns its answer, a local *Answer or a remote
// *protos.TenantReply.
func (n *Node) ask(ctx context.Context, tenantID uuid.UUID, cmd *Command) (any, error) {
	start := time.Now()
	deadline := start.Add(n.deps.Config.RequestTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	backoff := 25 * time.Millisecond
	for attempt := 0; ; attempt++ {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			metricClusterRequestErrors.Inc()
			return nil, &domain.Error{Code: domain.CodeUnavailable, Message: "tenant did not answer in time, try again"}
		}
		res, err := n.attempt(tenantID.String(), cmd, min(remaining, attemptTimeout))
		if err == nil && res != nil && !activeElsewhere(res) {
			metricClusterRequestSeconds.Observe(time.Since(start).Seconds())
			return res, nil
		}
		metricClusterRetries.Inc()
		select {
		case <-ctx.Done():
			return nil, &domain.Error{Code: domain.CodeUnavailable, Message: "request cancelled"}
		case <-time.After(min(backoff, max(time.Until(deadline), 0))):
		}
		backoff = min(backoff*2, 500*time.Millisecond)
	}
}

// attemptTimeout bounds one try of Call, so that a request sent to a member that just died is retried on
// the new owner well within the request timeout (or sooner, when the topology drops the member first: see
// memberWatch).
const attemptTimeout = 3 * time.Second

// Caller is the authenticated user behind a Call.
type Caller struct {
	UserID    string
	Role      string
	RequestID string
}

// Publish hands a tenant event for every user of the tenant to the gateway of every member; the local one
// is called directly.
func (n *Node) Publish(tenantID uuid.UUID, event string, payload any) {
	n.PublishTo(tenantID, event, payload, nil)
}

// PublishTo is Publish for an audience: nil is every user of the tenant (see protos.Audience).
func (n *Node) PublishTo(tenantID uuid.UUID, event string, payload any, audience *protos.Audience) {
	data, err := json.Marshal(payload)
	if err != nil {
		n.deps.Log.Error("encoding event", "event", event, "err", err)
		return
	}
	n.PublishJSON(tenantID, event, data, audience)
}

// ListenerCounter is an EventSink that knows whether a tenant has anyone to deliver to on this member.
type ListenerCounter interface {
	Listening(tenantID uuid.UUID) bool
}

// Listened reports whether an event of the tenant may reach anyone: a client on this member, or any other
// member (whose clients this member does not know). Publishers that build an event only to publish it ask
// first, so that a tenant nobody watches (an integration's traffic at night) builds and encodes nothing. A
// client that connects right after the answer misses the event, as it would a moment earlier.
func (n *Node) Listened(tenantID uuid.UUID) bool {
	if members := n.members.Load(); members != nil {
		self := n.System.Address()
		for _, addr := range *members {
			if addr != self {
				return true
			}
		}
	}
	if n.sink == nil {
		return false
	}
	if lc, ok := n.sink.(ListenerCounter); ok {
		return lc.Listening(tenantID)
	}
	return true
}

// PublishJSON is PublishTo for a payload already encoded as JSON.
func (n *Node) PublishJSON(tenantID uuid.UUID, event string, data []byte, audience *protos.Audience) {
	if n.sink != nil {
		n.sink.Deliver(tenantID, event, data, audience)
	}
	members := n.members.Load()
	if members == nil {
		return
	}
	self := n.System.Address()
	var msg *protos.TenantEvent
	for _, addr := range *members {
		if addr != self {
			if msg == nil {
				msg = &protos.TenantEvent{TenantId: tenantID.String(), Event: event, Data: data, Audience: audience}
			}
			n.System.Root.Send(actor.NewPID(addr, gatewayName), msg)
		}
	}
}

func (n *Node) receiveGatewayEvent(ctx actor.Context) {
	ev, ok := ctx.Message().(*protos.TenantEvent)
	if !ok || n.sink == nil {
		return
	}
	id, err := uuid.Parse(ev.TenantId)
	if err != nil {
		return
	}
	n.sink.Deliver(id, ev.Event, ev.Data, ev.Audience)
}

// quietLogger keeps protoactor's own logs at warning level and above.
func quietLogger(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{Handler: l.Handler(), min: slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{Handler: f.Handler.WithAttrs(a), min: f.min}
}

func (f levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{Handler: f.Handler.WithGroup(g), min: f.min}
}

// Close releases the node-wide database connections.
func (d *Deps) Close() {
	d.Master.Close()
	if d.Servers != nil {
		d.Servers.Close() // the default server's Admin among them
	} else {
		d.Admin.Close()
	}
}

// Deps are the node-wide services the node's actors share.
func (n *Node) Deps() *Deps { return n.deps }

// Members are the addresses of the cluster's members as this member last saw them (this one alone before
// the first topology, or without a cluster).
func (n *Node) Members() []string {
	if m := n.members.Load(); m != nil && len(*m) > 0 {
		return *m
	}
	return []string{n.System.Address()}
}

// ReportPresence sends a member's presence report to a tenant actor's own PID (not through the cluster's
// lookup: a report must not activate a tenant that passivated meanwhile; one sent to a stopped actor is
// dropped).
func (n *Node) ReportPresence(to *actor.PID, report *protos.PresenceReport) {
	n.System.Root.Send(to, report)
}
