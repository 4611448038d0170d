// Package tenant is the tenant core: the tenant grain (one per tenant, activated by the cluster on its first
// request), the conversation actors it supervises (one per active chat, the only writer of that chat) and the
// db writer that group-commits their writes. The grain routes each operation (routes.go) to a query goroutine,
// to itself or to a chat's conversation actor, and starts the channel sessions of package channels.
package tenant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
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
	// webhooks is the event webhook dispatcher (webhooks.go); webhookPending is set while it has deliveries
	// waiting, which keeps the tenant's wakeup and stops it from passivating.
	webhooks       *actor.PID
	webhookPending bool
	log            *slog.Logger
	media          media.Store
	uploads        *media.Uploads
	signer         *media.Signer
	// failed is set when activation failed; every command is answered with it and the grain stops.
	failed error

	convs    map[uuid.UUID]*conversationRef
	convByID map[string]uuid.UUID // child PID id → chat id
	sessions map[uuid.UUID]*sessionRef
	channels map[uuid.UUID]*channelInfo
	loading  map[uuid.UUID]*channelLoad // channels being loaded off the mailbox (withChannel)
	// waChannel is the tenant's WhatsApp channel once known (uuid.Nil until then); waWaiting the callers
	// waiting for its lookup (whatsapp.go).
	waChannel uuid.UUID
	waWaiting []waLookup
	// waNumbers caches which phone numbers are on WhatsApp, for the sessions and conversation actors.
	waNumbers *channels.WANumbers
	// wakeWaiting holds what waits for the wakeup to be recorded (afterWakeup).
	wakeWaiting []func(ctx actor.Context)
	// recording and clearing are set while the wakeup is being written or removed (wakeups.go); idleCheck
	// while the idle check runs off the mailbox.
	recording, clearing, idleCheck bool
	contacts                       map[contactKey]uuid.UUID
	resolving                      map[contactKey]*pendingContact // first contacts whose chat is being resolved (contacts.go)
	// identities are the other addresses (WhatsApp LIDs) merged into their sender's customer this activation.
	identities    map[contactKey]bool
	activatedAt   time.Time
	lastCommandAt time.Time
	commands      int64
	// wakeSet is true once this activation has recorded a wakeup in the master database.
	wakeSet bool
	// visibility is the agent visibility setting, shared with conversation actors and queries.
	visibility *queries.Visibility
	// autoAssign is the automatic assignment setting (shared like visibility); presence who is online,
	// assignQueue the chats waiting for an automatic assignee (once each: assignQueued), assigning set while
	// one is being assigned, lastAssigned the agent picked last (autoassign.go, presence.go).
	autoAssign   *queries.AutoAssignSetting
	presence     presence
	assignQueue  []uuid.UUID
	assignQueued map[uuid.UUID]bool
	assigning    bool
	lastAssigned uuid.UUID
	// autoAssigned and autoUnassigned count the chats automatic assignment assigned and could not (describe).
	autoAssigned, autoUnassigned int64
	// life is cancelled when the actor stops: the work it started off the mailbox (queries, lookups) ends
	// with it instead of running on for a tenant that is gone.
	life    context.Context
	endLife context.CancelFunc
	// outboundQueued counts the pending-send ids its API channel sessions hold (channels/api.go).
	outboundQueued atomic.Int64
	// epoch is this activation's tenant lease (node/leases.go); 0 until it is taken.
	epoch int64
	// server is the PostgreSQL server of the tenant's database (from the lease).
	server *persistence.Server
	// snoozeNext is when the timer snoozeTimer fires: the end of the next snooze (snooze.go); zero when none.
	snoozeNext  time.Time
	snoozeTimer *time.Timer
}

// Props are the tenant grain's props, for node.NodeOptions.Tenant: the grain supervises its children as
// tenantSupervision declares and runs on the node's warm dispatcher.
func Props(n *node.Node) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor { return newTenantActor(n) },
		actor.WithSupervisor(tenantSupervision.strategy()), actor.WithDispatcher(node.Dispatcher))
}

func newTenantActor(n *node.Node) actor.Actor {
	life, endLife := context.WithCancel(context.Background())
	return &tenantActor{
		node:       n,
		life:       life,
		endLife:    endLife,
		convs:      make(map[uuid.UUID]*conversationRef),
		convByID:   make(map[string]uuid.UUID),
		sessions:   make(map[uuid.UUID]*sessionRef),
		waNumbers:  channels.NewWANumbers(),
		channels:   make(map[uuid.UUID]*channelInfo),
		loading:    make(map[uuid.UUID]*channelLoad),
		contacts:   make(map[contactKey]uuid.UUID),
		identities: make(map[contactKey]bool),
		resolving:  make(map[contactKey]*pendingContact),
	}
}

func (t *tenantActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *cluster.ClusterInit:
		t.failed = t.activate(ctx, msg.Identity.Identity)
		if t.failed != nil {
			ctx.Poison(ctx.Self())
		}
	case *node.Command: // from this member: the input is typed already
		t.dispatch(ctx, &request{op: msg.Op, caller: msg.Caller, in: msg.In, sender: ctx.Sender()}, nil)
	case *protos.TenantCommand: // from another member: the input is JSON
		cmd, payload := node.FromWire(msg)
		t.dispatch(ctx, &request{op: cmd.Op, caller: cmd.Caller, sender: ctx.Sender()}, payload)
	case *reentry:
		msg.fn(ctx)
	case *actor.ReceiveTimeout:
		t.idle(ctx)
	case *actor.Terminated:
		t.childTerminated(ctx, msg.Who)
	case *actor.Stopped:
		t.endLife()
		t.stopSnoozeTimer()
		t.stopPresence()
		t.node.TenantStopped(t.tenantID, ctx.Self())
		if t.uploads != nil {
			t.uploads.Close()
		}
		if t.store != nil {
			t.server.Pools.Close(t.store.Pool)
			metricActiveTenants.Dec()
		}
		if t.epoch != 0 {
			if err := t.node.ReleaseLease(t.tenantID, t.epoch); err != nil {
				t.log.Warn("releasing the tenant lease (it expires by itself)", "err", err)
			}
		}
	case *node.LeaseLost:
		if t.failed == nil {
			t.failed = msg.Reason
			ctx.Poison(ctx.Self())
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
	if t.node.Stopping() { // see Node.Stop: the caller retries on the member that owns the tenant next
		return node.ErrTenantElsewhere
	}
	deps := t.node.Deps()
	c, cancel := context.WithTimeout(t.life, deps.Config.ActivationTimeout)
	defer cancel()

	tenant, err := deps.Master.GetTenant(c, id)
	if err != nil {
		return err
	}
	if tenant.Status == persistence.TenantSuspended {
		return node.ErrTenantSuspended
	}
	t.tenant = tenant
	// At most one activation in the cluster: take the tenant's lease first (node/leases.go). The lease says
	// which server holds the database: a move may have switched it since GetTenant.
	lease, err := t.node.AcquireLease(c, id)
	if err != nil {
		return err
	}
	t.epoch = lease.Epoch
	if t.server, err = deps.Servers.Get(lease.Server); err != nil {
		return err
	}
	t.tenant.Server = lease.Server
	pool, conn, err := t.connect(c, tenant.DatabaseName)
	if err != nil {
		return err
	}
	// One round trip moves the fence (from here on the tenant database refuses the writes of any older
	// activation; it waits for the write transactions an older one still has running) and reads the
	// settings. A database behind the latest schema is migrated first, with the connection's epoch
	// cleared (the fence is moved after the migrations, the first of which creates it).
	reads, current, err := persistence.StartActivation(c, conn.Conn(), t.epoch)
	if err == nil && !current {
		if err = persistence.MigrateTenantUnfenced(c, conn.Conn()); err != nil {
			err = fmt.Errorf("migrating tenant database: %w", err)
		} else if reads, current, err = persistence.StartActivation(c, conn.Conn(), t.epoch); err == nil && !current {
			err = errors.New("the tenant database is not at the latest schema version after its migrations")
		}
	}
	conn.Release()
	if err == nil && !reads.Moved {
		err = node.ErrTenantElsewhere
	}
	if err != nil {
		t.server.Pools.Close(pool)
		if errors.Is(err, node.ErrTenantElsewhere) {
			return err
		}
		return fmt.Errorf("moving the tenant's activation fence: %w", err)
	}
	if tenant.Status == persistence.TenantProvisioning {
		if err := deps.Master.SetTenantStatus(c, id, persistence.TenantActive); err != nil {
			t.server.Pools.Close(pool)
			return err
		}
		t.tenant.Status = persistence.TenantActive
	}
	t.store = persistence.NewTenantStore(pool, deps.Cipher)
	settings := reads.Settings
	t.visibility = queries.NewVisibility(settings.AgentVisibility)
	t.autoAssign = queries.NewAutoAssignSetting(queries.SettingsView(settings).AutoAssign)
	t.openMedia(pool)
	t.webhooks = ctx.Spawn(webhookProps(t.store, t.node, t.log))
	t.writer = ctx.Spawn(actor.PropsFromProducer(func() actor.Actor {
		w := newDBWriter(t.store, t.log, deps.Config.ActivationTimeout)
		w.notify = t.webhooks
		return w
	}, actor.WithDispatcher(node.Dispatcher)))
	metricActiveTenants.Inc()
	t.activatedAt = time.Now()
	t.node.TenantStarted(id, ctx.Self())
	t.node.LeaseHeld(id, t.epoch, ctx.Self())
	metricActivationSeconds.Observe(time.Since(start).Seconds())
	ctx.SetReceiveTimeout(deps.Config.TenantIdleTimeout)
	t.afterActivation(ctx)
	t.startPresence(ctx)
	t.log.Debug("tenant activated", "took", time.Since(start))
	return nil
}

// connect opens the tenant's pool and its first connection. A database that does not exist (dropped by
// hand, missed by a restore) is created empty, to be migrated like a new one; looking for it in pg_database
// first would cost every activation a query on the admin connection.
func (t *tenantActor) connect(c context.Context, database string) (*pgxpool.Pool, *pgxpool.Conn, error) {
	pool, err := t.server.Pools.OpenAt(c, database, t.epoch)
	if err != nil {
		return nil, nil, fmt.Errorf("opening tenant pool: %w", err)
	}
	conn, err := pool.Acquire(c)
	if persistence.IsMissingDatabase(err) {
		created, ensureErr := t.server.Admin.EnsureDatabase(c, database)
		if ensureErr != nil {
			t.server.Pools.Close(pool)
			return nil, nil, fmt.Errorf("creating the missing tenant database: %w", ensureErr)
		}
		if created {
			t.log.Warn("tenant database was missing and has been re-created", "database", database)
		}
		conn, err = pool.Acquire(c)
	}
	if err != nil {
		t.server.Pools.Close(pool)
		return nil, nil, fmt.Errorf("connecting to the tenant database: %w", err)
	}
	return pool, conn, nil
}

// dispatch runs one operation where the routing table says (routes.go). payload is the JSON input of a
// command from another member, decoded here with the operation's input type; nil for a local command.
func (t *tenantActor) dispatch(ctx actor.Context, r *request, payload []byte) {
	if t.failed != nil {
		ctx.Respond(node.NewAnswer(nil, t.failed, t.log, r.op, r.caller.RequestID))
		return
	}
	rt, ok := routes[r.op]
	if !ok {
		ctx.Respond(node.NewAnswer(nil, domain.BadRequest("unknown operation %q", r.op), t.log, r.op, r.caller.RequestID))
		return
	}
	if payload != nil && rt.lazy {
		r.payload = payload
	} else if payload != nil {
		in, err := rt.decode(payload)
		if err != nil {
			ctx.Respond(node.NewAnswer(nil, err, t.log, r.op, r.caller.RequestID))
			return
		}
		r.in = in
	}
	if r.op != ops.OpTenantDescribe.Name() {
		t.lastCommandAt = time.Now()
		t.commands++
	}
	start := time.Now()
	rt.run(t, ctx, r)
	metricMailboxSeconds.WithLabelValues(r.op).Observe(time.Since(start).Seconds())
}

func (t *tenantActor) scope(ctx actor.Context, caller node.Caller) *queries.Scope {
	return &queries.Scope{TenantID: t.tenantID, Store: t.store, Node: t.node, Tenant: ctx.Self(), Caller: caller, Log: t.log,
		Visibility: t.visibility, AutoAssign: t.autoAssign, Webhooks: t.webhooks, Media: t.media, Uploads: t.uploads, Signer: t.signer}
}
