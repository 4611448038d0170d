// Package tenant is the tenant core: the tenant grain (one per tenant, activated by the cluster on its first
// request), the conversation actors it supervises (one per active chat, the only writer of that chat) and the
// db writer that group-commits their writes. The grain routes each operation (routes.go) to a query goroutine,
// to itself or to a chat's conversation actor, and starts the channel sessions of package channels.
package tenant

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// tenantActor is the grain of one tenant: it opens the tenant's database on activation, routes commands to
// query goroutines, conversation actors or session actors, and passivates after an idle period.
type tenantActor struct {
	node     *node.Node
	tenantID uuid.UUID
	tenant   persistence.Tenant
	store    *persistence.TenantStore
	writer   *actor.PID
	log      *slog.Logger
	// failed is set when activation failed; every command is answered with it and the grain stops.
	failed error

	convs         map[uuid.UUID]*conversationRef
	convByID      map[string]uuid.UUID // child PID id → chat id
	sessions      map[uuid.UUID]*sessionRef
	channels      map[uuid.UUID]*channelInfo
	contacts      map[contactKey]uuid.UUID
	resolving     map[contactKey]*pendingContact // first contacts whose chat is being resolved (contacts.go)
	activatedAt   time.Time
	lastCommandAt time.Time
	commands      int64
	// wakeSet is true once this activation has recorded a wakeup in the master database.
	wakeSet bool
}

// Props are the tenant grain's props, for node.NodeOptions.Tenant: the grain supervises its children as
// tenantSupervision declares and runs on the node's warm dispatcher.
func Props(n *node.Node) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor { return newTenantActor(n) },
		actor.WithSupervisor(tenantSupervision.strategy()), actor.WithDispatcher(node.Dispatcher))
}

func newTenantActor(n *node.Node) actor.Actor {
	return &tenantActor{
		node:      n,
		convs:     make(map[uuid.UUID]*conversationRef),
		convByID:  make(map[string]uuid.UUID),
		sessions:  make(map[uuid.UUID]*sessionRef),
		channels:  make(map[uuid.UUID]*channelInfo),
		contacts:  make(map[contactKey]uuid.UUID),
		resolving: make(map[contactKey]*pendingContact),
	}
}

func (t *tenantActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *cluster.ClusterInit:
		t.failed = t.activate(ctx, msg.Identity.Identity)
		if t.failed != nil {
			ctx.Poison(ctx.Self())
		}
	case *protos.TenantCommand:
		if t.failed != nil {
			ctx.Respond(node.FailureReply(t.failed, t.log, msg))
			return
		}
		if msg.Op != ops.OpTenantDescribe {
			t.lastCommandAt = time.Now()
			t.commands++
		}
		t.dispatch(ctx, msg)
	case *actor.ReceiveTimeout:
		t.idle(ctx)
	case *actor.Terminated:
		t.childTerminated(ctx, msg.Who)
	case *actor.Stopped:
		t.node.TenantStopped(t.tenantID, ctx.Self())
		if t.store != nil {
			t.node.Deps().Pools.Close(t.store.Pool)
			metricActiveTenants.Dec()
		}
	default:
		t.receiveInternal(ctx)
	}
}

// activate loads the tenant, re-creates its database when missing, migrates it and opens its pool.
func (t *tenantActor) activate(ctx actor.Context, identity string) error {
	start := time.Now()
	id, err := uuid.Parse(identity)
	if err != nil {
		return domain.NotFound("tenant")
	}
	t.tenantID = id
	t.log = t.node.Deps().Log.With("tenant_id", identity)
	deps := t.node.Deps()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	tenant, err := deps.Master.GetTenant(c, id)
	if err != nil {
		return err
	}
	if tenant.Status == persistence.TenantSuspended {
		return errTenantSuspended
	}
	t.tenant = tenant
	pool, conn, err := t.connect(c, tenant.DatabaseName)
	if err != nil {
		return err
	}
	err = persistence.Migrate(c, conn.Conn(), persistence.TenantSchema)
	conn.Release()
	if err != nil {
		deps.Pools.Close(pool)
		return fmt.Errorf("migrating tenant database: %w", err)
	}
	if tenant.Status == persistence.TenantProvisioning {
		if err := deps.Master.SetTenantStatus(c, id, persistence.TenantActive); err != nil {
			deps.Pools.Close(pool)
			return err
		}
		t.tenant.Status = persistence.TenantActive
	}
	t.store = persistence.NewTenantStore(pool, deps.Cipher)
	t.writer = ctx.Spawn(actor.PropsFromProducer(func() actor.Actor { return newDBWriter(t.store, t.log) },
		actor.WithDispatcher(node.Dispatcher)))
	metricActiveTenants.Inc()
	t.activatedAt = time.Now()
	t.node.TenantStarted(id, ctx.Self())
	metricActivationSeconds.Observe(time.Since(start).Seconds())
	ctx.SetReceiveTimeout(deps.Config.TenantIdleTimeout)
	t.afterActivation(ctx)
	t.log.Debug("tenant activated", "took", time.Since(start))
	return nil
}

// connect opens the tenant's pool and its first connection. A database that does not exist (dropped by
// hand, missed by a restore) is created empty, to be migrated like a new one; looking for it in pg_database
// first would cost every activation a query on the admin connection.
func (t *tenantActor) connect(c context.Context, database string) (*pgxpool.Pool, *pgxpool.Conn, error) {
	deps := t.node.Deps()
	pool, err := deps.Pools.Open(c, database)
	if err != nil {
		return nil, nil, fmt.Errorf("opening tenant pool: %w", err)
	}
	conn, err := pool.Acquire(c)
	if persistence.IsMissingDatabase(err) {
		created, ensureErr := deps.Admin.EnsureDatabase(c, database)
		if ensureErr != nil {
			deps.Pools.Close(pool)
			return nil, nil, fmt.Errorf("creating the missing tenant database: %w", ensureErr)
		}
		if created {
			t.log.Warn("tenant database was missing and has been re-created", "database", database)
		}
		conn, err = pool.Acquire(c)
	}
	if err != nil {
		deps.Pools.Close(pool)
		return nil, nil, fmt.Errorf("connecting to the tenant database: %w", err)
	}
	return pool, conn, nil
}

// dispatch routes one command: chat operations to the chat's conversation actor, session operations to the
// tenant actor itself, everything else to a query goroutine that answers the requester directly.
func (t *tenantActor) dispatch(ctx actor.Context, msg *protos.TenantCommand) {
	cmd := &node.Command{TenantCommand: msg}
	if h, ok := actorRoutes[msg.Op]; ok {
		h(t, ctx, cmd)
		return
	}
	if _, ok := conversationRoutes[msg.Op]; ok {
		if msg.Op == ops.OpConversationSend {
			t.ensureWakeup("outbound messages")
		}
		t.routeToConversation(ctx, cmd)
		return
	}
	q, ok := queryRoutes[msg.Op]
	if !ok {
		ctx.Respond(node.FailureReply(domain.BadRequest("unknown operation %q", msg.Op), t.log, msg))
		return
	}
	sender := ctx.Sender()
	root := ctx.ActorSystem().Root
	scope := t.scope(ctx)
	go func() {
		c, cancel := context.WithTimeout(context.Background(), t.node.Deps().Config.RequestTimeout)
		defer cancel()
		res, err := q(c, scope, cmd)
		root.Send(sender, node.Reply(res, err, t.log, msg))
	}()
}

func (t *tenantActor) scope(ctx actor.Context) *queries.Scope {
	return &queries.Scope{TenantID: t.tenantID, Store: t.store, Node: t.node, Tenant: ctx.Self(), Log: t.log}
}
