package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
)

// Signed calls of API channels (inbound messages, status callbacks) are checked off the tenant's mailbox:
// the HMAC over a body of up to 1 MB, its decoding and validation took milliseconds each on the mailbox, so a
// flood of badly signed calls (which anyone who knows a channel id can send) delayed every operation of the
// tenant. The mailbox now only finds the channel (cached) and starts the check; a goroutine verifies, and the
// result comes back to the mailbox (async's reentry) to be handled like any other message. A small call
// (up to inlineSignedMax) is checked on the mailbox: that costs less than the trip off it. A call that came
// from another member is also decoded from JSON off the mailbox (onTenantLazy).

// inlineSignedMax is the body size up to which a signed call is checked on the mailbox after all: for a
// body of a few KB the HMAC, decoding and validation take microseconds, less than the goroutine, timer and
// second trip through the mailbox that going off it costs (most calls of an integration are this small).
// A flood of small forged calls then costs the mailbox a few microseconds each; large ones still go off it.
const inlineSignedMax = 4 << 10

// checkSigned runs work (the check of a signed call whose body has size bytes) and then then: on the
// mailbox when the body is small (inlineSignedMax), off it otherwise.
func checkSigned[T any](t *tenantActor, ctx actor.Context, size int, work func() (T, error), then func(ctx actor.Context, v T, err error)) {
	if size <= inlineSignedMax {
		v, err := work()
		then(ctx, v, err)
		return
	}
	offMailbox(t, ctx, work, then)
}

// offMailbox runs CPU-bound work (no I/O) on a goroutine and then on the actor with its result.
func offMailbox[T any](t *tenantActor, ctx actor.Context, work func() (T, error), then func(ctx actor.Context, v T, err error)) {
	async(t, ctx, t.dbTimeout(), func(context.Context) (T, error) { return work() }, then)
}

// onTenantLazy is onTenant for an op whose input may be large: when it comes from another member, its JSON
// is decoded on a goroutine, not on the mailbox, before h runs on the mailbox.
func onTenantLazy[In, Out any](op ops.Op[In, Out], h func(t *tenantActor, ctx actor.Context, caller node.Caller, in In, done func(Out, error))) route {
	decode := decoder[In](op.Name())
	return route{op: op.Name(), decode: decode, lazy: true, run: func(t *tenantActor, ctx actor.Context, r *request) {
		done := answerer[Out](ctx.ActorSystem(), t.log, r)
		if in, ok := r.in.(In); ok {
			h(t, ctx, r.caller, in, done)
			return
		}
		offMailbox(t, ctx, func() (any, error) { return decode(r.payload) }, func(ctx actor.Context, v any, err error) {
			if err != nil {
				var zero Out
				done(zero, err)
				return
			}
			h(t, ctx, r.caller, v.(In), done)
		})
	}}
}
