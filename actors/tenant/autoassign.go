package tenant

import (
	"context"
	"slices"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// Automatic assignment (setting autoAssign): a customer message to an unassigned conversation (a new one
// included) makes its conversation actor ask the tenant for an assignee (autoAssignWanted). The tenant
// takes the chats one at a time, in arrival order: it counts the open (OPEN or PENDING) conversations of the
// online agents (presence.go), picks the first one after the last it picked (round robin, by user id) that
// holds fewer than maxOpenPerAgent, and assigns through the conversation actor's assign, the path of
// POST /assign (assignment_changed, conversation_updated and the conversation.updated webhook, with no
// assignedBy). One at a time, so two new chats never both see an agent just under the cap. A chat nobody
// can take (nobody online, everyone at the cap) stays unassigned until its next customer message or a person
// assigns it.

// autoAssignWanted asks the tenant actor to assign a chat automatically.
type autoAssignWanted struct{ chatID uuid.UUID }

// autoAssignQueued queues a chat for automatic assignment (once, however many messages asked).
func (t *tenantActor) autoAssignQueued(ctx actor.Context, chatID uuid.UUID) {
	if !t.autoAssign.Get().Enabled || t.assignQueued[chatID] {
		return
	}
	if t.assignQueued == nil {
		t.assignQueued = make(map[uuid.UUID]bool)
	}
	t.assignQueued[chatID] = true
	t.assignQueue = append(t.assignQueue, chatID)
	t.startPresence(ctx)
	t.autoAssignNext(ctx)
}

// autoAssignNext assigns the next queued chat, unless one is being assigned or presence is not known yet.
func (t *tenantActor) autoAssignNext(ctx actor.Context) {
	if t.assigning || len(t.assignQueue) == 0 || !t.presence.ready {
		return
	}
	chatID := t.assignQueue[0]
	t.assignQueue = t.assignQueue[1:]
	delete(t.assignQueued, chatID)
	setting := t.autoAssign.Get()
	agents := t.onlineAgents()
	if !setting.Enabled || len(agents) == 0 {
		t.autoUnassigned++
		t.autoAssignNext(ctx)
		return
	}
	t.assigning = true
	store := t.store
	async(t, ctx, t.dbTimeout(), func(c context.Context) (map[uuid.UUID]int, error) { return store.OpenAssigned(c, agents) },
		func(ctx actor.Context, open map[uuid.UUID]int, err error) {
			if err != nil {
				t.log.Warn("automatic assignment: counting open conversations", "err", err)
				t.autoUnassigned++
				t.assigned(ctx)
				return
			}
			pick, ok := nextAgent(agents, t.lastAssigned, open, setting.MaxOpenPerAgent)
			if !ok {
				t.autoUnassigned++
				t.assigned(ctx)
				return
			}
			t.lastAssigned = pick
			t.autoAssignTo(ctx, chatID, pick)
		})
}

// nextAgent is round robin under a cap: the first agent after last (in the order of agents, wrapping
// around) with fewer than max open conversations.
func nextAgent(agents []uuid.UUID, last uuid.UUID, open map[uuid.UUID]int, max int) (uuid.UUID, bool) {
	start := 0
	if i := slices.IndexFunc(agents, func(a uuid.UUID) bool { return slices.Compare(a[:], last[:]) > 0 }); i >= 0 {
		start = i
	}
	for k := range agents {
		a := agents[(start+k)%len(agents)]
		if open[a] < max {
			return a, true
		}
	}
	return uuid.Nil, false
}

// autoAssignTo assigns the chat to the agent through its conversation actor, if it is still unassigned.
func (t *tenantActor) autoAssignTo(ctx actor.Context, chatID, agent uuid.UUID) {
	self, root := ctx.Self(), ctx.ActorSystem().Root
	done := func(_ ops.Conversation, err error) {
		root.Send(self, &reentry{fn: func(ctx actor.Context) {
			if err != nil {
				t.log.Warn("automatic assignment", "chat_id", chatID, "user_id", agent, "err", err)
				t.autoUnassigned++
			} else {
				t.autoAssigned++
			}
			t.assigned(ctx)
		}})
	}
	in := ops.AssignInput{ChatID: chatID, UserID: &agent}
	t.toConversation(ctx, chatID, chatRequest("conversation.autoassign", in,
		func(c *conversationActor, ctx actor.Context, in ops.AssignInput, done func(ops.Conversation, error)) {
			if c.conv.Assignee != nil { // someone took it meanwhile
				done(c.view(), nil)
				return
			}
			c.assign(ctx, domain.Viewer{}, in, done)
		}, done))
}

// assigned ends one automatic assignment and starts the next.
func (t *tenantActor) assigned(ctx actor.Context) {
	t.assigning = false
	t.autoAssignNext(ctx)
}
