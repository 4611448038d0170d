package actors

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/domain"
)

// Operations a tenant grain understands. Each op name is the contract between httpapi and the grain; the
// payload and the answer are the JSON shapes of the HTTP API.
const (
	OpTenantInfo = "tenant.info"
)

// queryFunc answers an operation from the tenant's database on a goroutine of its own, off the grain's mailbox.
type queryFunc func(ctx context.Context, s *Scope, cmd *Command) (any, error)

// actorOpFunc handles an operation on the tenant actor's own goroutine (it touches the actor's state).
type actorOpFunc func(t *tenantActor, ctx actor.Context, cmd *Command)

var (
	queryOps        = map[string]queryFunc{}
	actorOps        = map[string]actorOpFunc{}
	conversationOps = map[string]struct{}{}
)

// registerQuery adds a query operation; entity files call it from init.
func registerQuery(op string, f queryFunc) {
	if _, dup := queryOps[op]; dup {
		panic("duplicate op " + op)
	}
	queryOps[op] = f
}

// TenantInfo is the answer of OpTenantInfo.
type TenantInfo struct {
	TenantID string `json:"tenantId"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Member   string `json:"member"`
}

func init() {
	actorOps[OpTenantInfo] = func(t *tenantActor, ctx actor.Context, cmd *Command) {
		ctx.Respond(reply(TenantInfo{TenantID: t.tenantID.String(), Name: t.tenant.Name, Status: t.tenant.Status,
			Member: ctx.ActorSystem().Address()}, nil, t.log, cmd.TenantCommand))
	}
}

// OpTenantSuspend stops a tenant's actor for good after its status became SUSPENDED in the master
// database: the commands already queued are refused, and a new activation refuses to start.
const OpTenantSuspend = "tenant.suspend"

func init() {
	actorOps[OpTenantSuspend] = func(t *tenantActor, ctx actor.Context, cmd *Command) {
		t.failed = errTenantSuspended
		ctx.Respond(reply(struct{}{}, nil, t.log, cmd.TenantCommand))
		ctx.Poison(ctx.Self())
	}
}

var errTenantSuspended = domain.Forbidden("tenant is suspended")
