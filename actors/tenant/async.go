package tenant

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// reentry is work done off the mailbox coming back to the tenant actor: fn runs on the actor's goroutine,
// in its turn among the other messages.
type reentry struct{ fn func(ctx actor.Context) }

// async is how the tenant actor does I/O without waiting for it: work runs on a goroutine of its own, with
// a context that ends when the actor stops or after timeout (from the configuration), and then runs on the
// actor with the result, as one more message. Meanwhile the actor goes on with its other messages, so one
// slow query never holds up the tenant's chats. If the actor has stopped, then does not run. Whatever must
// keep its order while the work is in flight waits in the caller's own queue (see withChannel, afterWakeup).
func async[T any](t *tenantActor, ctx actor.Context, timeout time.Duration, work func(context.Context) (T, error),
	then func(ctx actor.Context, v T, err error)) {
	self, root, life := ctx.Self(), ctx.ActorSystem().Root, t.life
	go func() {
		c, cancel := context.WithTimeout(life, timeout)
		v, err := work(c)
		cancel()
		root.Send(self, &reentry{fn: func(ctx actor.Context) { then(ctx, v, err) }})
	}()
}

// dbTimeout bounds one database step of the tenant actor (AEZEN_DB_TIMEOUT).
func (t *tenantActor) dbTimeout() time.Duration { return t.node.Deps().Config.DBTimeout }
