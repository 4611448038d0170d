package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
)

// request is one operation on its way to its handler: its typed input, who asked and where to answer.
type request struct {
	op     string
	caller node.Caller
	in     any
	// payload is the input still in JSON, for a lazy route (it decodes off the mailbox).
	payload []byte
	// sender receives the answer; nil for work the engine asked for itself (nobody waits).
	sender *actor.PID
}

// route is one row of the routing table: how to decode the op's input when it comes from another member,
// and how to run it.
type route struct {
	op     string
	decode func(payload []byte) (any, error)
	run    func(t *tenantActor, ctx actor.Context, r *request)
	// lazy routes decode a remote input themselves, off the mailbox (signed_calls.go).
	lazy bool
}

// answerer returns the typed function that answers r; it may be called from any goroutine, once.
func answerer[Out any](system *actor.ActorSystem, log *slog.Logger, r *request) func(Out, error) {
	return func(out Out, err error) {
		if r.sender == nil {
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				log.Error("internal operation failed", "op", r.op, "err", err)
			}
			return
		}
		system.Root.Send(r.sender, node.NewAnswer(out, err, log, r.op, r.caller.RequestID))
	}
}

// decoder decodes the JSON input of an op sent by another member.
func decoder[In any](op string) func([]byte) (any, error) {
	return func(payload []byte) (any, error) {
		var in In
		if err := json.Unmarshal(payload, &in); err != nil {
			return nil, domain.BadRequest("malformed %s payload: %v", op, err)
		}
		return in, nil
	}
}

// query routes an op to a goroutine of its own, off the mailbox, with the tenant's store (package queries).
func query[In, Out any](op ops.Op[In, Out], h func(context.Context, *queries.Scope, In) (Out, error)) route {
	return route{op: op.Name(), decode: decoder[In](op.Name()), run: func(t *tenantActor, ctx actor.Context, r *request) {
		in, done := r.in.(In), answerer[Out](ctx.ActorSystem(), t.log, r)
		scope := t.scope(ctx, r.caller)
		timeout := t.node.Deps().Config.RequestTimeout
		// Not tied to the actor's life: a query in flight when the tenant passivates still answers (the
		// pool closes once its connections are back), as a client that was answered 202 expects.
		go func() {
			c, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			done(h(c, scope, in))
		}()
	}}
}

// queryWakingWebhooks is query for an op whose transaction may enqueue event webhook deliveries (the
// triggers of tenant migration 014: labels, customers, orders, channels, the CRUD records): once it has
// committed, the tenant's webhook dispatcher is poked and delivers at once instead of at its next poll (it
// drops the poke when the tenant has no active endpoint). Messages and conversation changes go through the db
// writer, which pokes it after each group commit.
func queryWakingWebhooks[In, Out any](op ops.Op[In, Out], h func(context.Context, *queries.Scope, In) (Out, error)) route {
	return query(op, func(c context.Context, s *queries.Scope, in In) (Out, error) {
		out, err := h(c, s, in)
		if err == nil && s.Webhooks != nil {
			s.Node.System.Root.Send(s.Webhooks, &webhookPoke{})
		}
		return out, err
	})
}

// onTenant routes an op to the tenant actor itself: it uses the actor's caches or children.
func onTenant[In, Out any](op ops.Op[In, Out], h func(t *tenantActor, ctx actor.Context, caller node.Caller, in In, done func(Out, error))) route {
	return route{op: op.Name(), decode: decoder[In](op.Name()), run: func(t *tenantActor, ctx actor.Context, r *request) {
		h(t, ctx, r.caller, r.in.(In), answerer[Out](ctx.ActorSystem(), t.log, r))
	}}
}

// onChat routes an op to the conversation actor of the chat that chat finds in its input.
func onChat[In, Out any](op ops.Op[In, Out], chat func(In) uuid.UUID,
	h func(c *conversationActor, ctx actor.Context, in In, done func(Out, error))) route {
	return route{op: op.Name(), decode: decoder[In](op.Name()), run: func(t *tenantActor, ctx actor.Context, r *request) {
		in, done := r.in.(In), answerer[Out](ctx.ActorSystem(), t.log, r)
		chatID := chat(in)
		if chatID == uuid.Nil {
			var zero Out
			done(zero, domain.InvalidField("chatId", "is required"))
			return
		}
		req := chatRequest(r.op, in, h, done)
		req.viewer = queries.ViewerOf(r.caller)
		t.toConversation(ctx, chatID, req)
	}}
}

// onChatBy is onChat for a handler that needs to know who asked (assignment rules, a note's author).
func onChatBy[In, Out any](op ops.Op[In, Out], chat func(In) uuid.UUID,
	h func(c *conversationActor, ctx actor.Context, who domain.Viewer, in In, done func(Out, error))) route {
	return route{op: op.Name(), decode: decoder[In](op.Name()), run: func(t *tenantActor, ctx actor.Context, r *request) {
		in, done := r.in.(In), answerer[Out](ctx.ActorSystem(), t.log, r)
		chatID := chat(in)
		if chatID == uuid.Nil {
			var zero Out
			done(zero, domain.InvalidField("chatId", "is required"))
			return
		}
		who := queries.ViewerOf(r.caller)
		req := chatRequest(r.op, in, func(c *conversationActor, ctx actor.Context, in In, done func(Out, error)) {
			h(c, ctx, who, in, done)
		}, done)
		req.viewer = who
		t.toConversation(ctx, chatID, req)
	}}
}

// chatRequest is the conversation actor's request that runs h on in and answers with done.
func chatRequest[In, Out any](op string, in In, h func(c *conversationActor, ctx actor.Context, in In, done func(Out, error)),
	done func(Out, error)) *convRequest {
	return &convRequest{op: op,
		run:  func(c *conversationActor, ctx actor.Context) { h(c, ctx, in, done) },
		fail: func(err error) { var zero Out; done(zero, err) }}
}

// beforeSend records the tenant's wakeup before a send reaches its chat, so that a send committed by this
// activation resumes after a restart.
func beforeSend(rt route) route {
	run := rt.run
	rt.run = func(t *tenantActor, ctx actor.Context, r *request) {
		t.afterWakeup(ctx, "outbound messages", func(ctx actor.Context) { run(t, ctx, r) })
	}
	return rt
}

// table indexes the routing table by op name; an op routed twice is a programming error.
func table(rows ...route) map[string]route {
	m := make(map[string]route, len(rows))
	for _, r := range rows {
		if _, dup := m[r.op]; dup {
			panic("tenant: operation routed twice: " + r.op)
		}
		m[r.op] = r
	}
	return m
}
