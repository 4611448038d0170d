package channels

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/internal/testkit/actortest"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/internal/testkit/testdb"
	"github.com/aezen/engine/sessions"
)

// stopsAtOnce fails the test unless the actor stops within 2 s of being told to: a mailbox waiting on a
// database read would not get to the stop before the read ends.
func stopsAtOnce(t *testing.T, system *actor.ActorSystem, pid *actor.PID) {
	t.Helper()
	stopped := make(chan error, 1)
	go func() { stopped <- system.Root.StopFuture(pid).Wait() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a session reading its channel did not stop within 2 s: its mailbox waits on the read")
	}
}

// TestAPISessionReadsItsChannelOffTheMailbox: while the channel is still being read the session's mailbox
// is free, and a message handed over meanwhile waits and is delivered once the channel is read.
func TestAPISessionReadsItsChannelOffTheMailbox(t *testing.T) {
	f := newAPIFixture(t, func(string, int) int { return 0 })
	m := f.commit(t, "handed over while the channel loads")[0]
	release := actortest.LockTable(t, f.store, "channels")
	parent, pid, system := f.session(t)
	system.Root.Send(pid, &OutboundReady{ChannelID: f.ch.ChannelID, Platform: string(domain.PlatformAPI),
		Msg: sessions.Outbound{MessageID: m.MessageID, ChatID: m.ChatID}})
	n, _ := actortest.Node(t, f.cfg, &sessions.Registry{Webhook: sessions.NewWebhook(2*time.Second, true)})
	_, other := actortest.SpawnUnder(t, n.System, APISessionProps(n, f.store, f.ch.ChannelID, actortest.Log, &atomic.Int64{}, &APIQueueStats{}))
	stopsAtOnce(t, n.System, other)
	time.Sleep(200 * time.Millisecond)
	if d := f.hook.deliveries(); len(d) != 0 {
		t.Fatalf("delivered before the channel was read: %+v", d)
	}
	release()
	if r := reports(t, parent, 1)[m.MessageID]; r.Change.Status != domain.StatusSent {
		t.Fatalf("report %+v", r.Change)
	}
}

// TestWhatsAppSessionReadsItsChannelOffTheMailbox: while the channel is still being read the session's
// mailbox is free; a status request and a switch-on that arrive meanwhile are answered once it is read, in
// their order.
func TestWhatsAppSessionReadsItsChannelOffTheMailbox(t *testing.T) {
	store := testdb.Tenant(t)
	fake := fakewhatsapp.New()
	n, _ := actortest.Node(t, nil, &sessions.Registry{WhatsApp: fake})
	ch := actortest.Channel(t, store, domain.PlatformWhatsApp, "", "")
	fake.StoreDevice(ch.ChannelID, "15550001111@s.whatsapp.net")
	release := actortest.LockTable(t, store, "channels")
	props := func() *actor.Props {
		return WhatsAppProps(n, uuid.Must(uuid.NewV7()), store, ch.ChannelID, waHolder, NewWANumbers(), actortest.Log)
	}
	_, pid := actortest.SpawnUnder(t, n.System, props())
	order := make(chan string, 2)
	n.System.Root.Send(pid, &WAStatus{Done: func(s ops.WhatsAppStatus, _ error) { order <- "status " + s.Status }})
	n.System.Root.Send(pid, &WAToggle{Done: func(r ops.ToggleResult, _ error) { order <- "toggle " + r.Status }})
	_, other := actortest.SpawnUnder(t, n.System, props())
	stopsAtOnce(t, n.System, other)
	select {
	case got := <-order:
		t.Fatalf("answered %q before the channel was read", got)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	for _, want := range []string{"status " + ops.WAStatusDisconnected, "toggle " + ops.WAStatusConnecting} {
		select {
		case got := <-order:
			if got != want {
				t.Fatalf("answered %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q not answered", want)
		}
	}
}
