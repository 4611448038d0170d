package tenant

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/internal/testkit/actortest"
	"github.com/aezen/engine/internal/testkit/testdb"
	"github.com/aezen/engine/persistence"
)

// chatFixture is one chat of an API channel in a real tenant database, with a node whose events are kept
// and the tenant's db writer: what a conversation actor needs, without a tenant actor around it.
type chatFixture struct {
	store    *persistence.TenantStore
	node     *node.Node
	events   *actortest.EventLog
	writer   *actor.PID
	tenantID uuid.UUID
	channel  persistence.Channel
	chat     persistence.Chat
}

func newChatFixture(t *testing.T) *chatFixture {
	t.Helper()
	store := testdb.Tenant(t)
	n, events := actortest.Node(t, nil, nil)
	writer := n.System.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return newDBWriter(store, actortest.Log, 30*time.Second) }))
	ch := actortest.Channel(t, store, domain.PlatformAPI, "http://127.0.0.1:1/hook", "")
	return &chatFixture{store: store, node: n, events: events, writer: writer, tenantID: uuid.Must(uuid.NewV7()),
		channel: ch, chat: actortest.Chat(t, store, ch.ChannelID, "visitor-1")}
}

// conversation starts the chat's conversation actor under a stand-in for the tenant actor.
func (f *chatFixture) conversation(t *testing.T) (*actortest.Parent, *actor.PID) {
	t.Helper()
	props := actor.PropsFromProducer(func() actor.Actor {
		return &conversationActor{node: f.node, tenantID: f.tenantID, chatID: f.chat.ChatID, store: f.store, writer: f.writer,
			log: actortest.Log, visibility: queries.NewVisibility(domain.VisibilityAll)}
	})
	return actortest.SpawnUnder(t, f.node.System, props)
}

// answer is one answer of an operation on a conversation actor.
type answer[Out any] struct {
	out Out
	err error
}

// tell sends one operation to a conversation actor as the tenant does; its answer arrives on the channel.
func tell[In, Out any](f *chatFixture, pid *actor.PID, h func(c *conversationActor, ctx actor.Context, in In, done func(Out, error)),
	in In, answers chan<- answer[Out]) {
	req := chatRequest("test", in, h, func(out Out, err error) { answers <- answer[Out]{out, err} })
	req.viewer = domain.Viewer{UserID: uuid.Must(uuid.NewV7()), Role: domain.RoleOwner}
	f.node.System.Root.Send(pid, req)
}

// await takes n answers, failing the test on an error or when they do not come.
func await[Out any](t *testing.T, answers <-chan answer[Out], n int) []Out {
	t.Helper()
	out := make([]Out, 0, n)
	for range n {
		select {
		case a := <-answers:
			if a.err != nil {
				t.Fatalf("answer %d: %v", len(out), a.err)
			}
			out = append(out, a.out)
		case <-time.After(20 * time.Second):
			t.Fatalf("%d of %d answers came", len(out), n)
		}
	}
	return out
}
