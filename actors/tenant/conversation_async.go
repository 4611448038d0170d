package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"
)

// convReentry is work a conversation actor did off its mailbox coming back to it.
type convReentry struct{ fn func(ctx actor.Context) }

// convAsync is async for a conversation actor: work (a read of the master database) runs on a goroutine of
// its own with AEZEN_DB_TIMEOUT, then then runs on the actor as one more message, so the chat's other
// requests never wait on it. The actor does not stop while the work is in flight. Whatever then decides
// from the chat's state it must read again there: other requests may have changed it meanwhile.
func convAsync[T any](c *conversationActor, ctx actor.Context, work func(context.Context) (T, error),
	then func(ctx actor.Context, v T, err error)) {
	c.inflight++
	self, root, timeout := ctx.Self(), ctx.ActorSystem().Root, c.node.Deps().Config.DBTimeout
	go func() {
		cx, cancel := context.WithTimeout(context.Background(), timeout)
		v, err := work(cx)
		cancel()
		root.Send(self, &convReentry{fn: func(ctx actor.Context) { then(ctx, v, err) }})
	}()
}
