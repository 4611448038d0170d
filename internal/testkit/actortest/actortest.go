// Package actortest runs single actors of the tenant core and the channel sessions in tests: a node without
// a cluster whose events are kept, a parent that keeps what its child sends it, and the records of a chat
// in a real tenant database (testdb). The engine-level tests use the test kit instead.
package actortest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
	"github.com/aezen/engine/sessions"
)

// Log discards what actors log (AEZEN_TEST_LOG is for whole engines).
var Log = slog.New(slog.NewTextHandler(io.Discard, nil))

// Node starts a node without a cluster on cfg (config.Defaults when nil) with the platform clients given;
// the events its actors publish go to the returned log. It shuts down when the test ends.
func Node(t testing.TB, cfg *config.Config, platforms *sessions.Registry) (*node.Node, *EventLog) {
	t.Helper()
	if cfg == nil {
		cfg = config.Defaults()
	}
	events := &EventLog{}
	n := node.Local(&node.Deps{Config: cfg, Log: Log, Channels: platforms}, events)
	t.Cleanup(n.System.Shutdown)
	return n, events
}

// EventLog is the event sink of a test node: every event published, in order.
type EventLog struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	name string
	data json.RawMessage
}

// Deliver records an event (node.EventSink).
func (l *EventLog) Deliver(_ uuid.UUID, name string, data []byte, _ *protos.Audience) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, event{name: name, data: data})
}

// Events decodes the data of every event called name, in publishing order.
func Events[T any](t testing.TB, l *EventLog, name string) []T {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []T
	for _, e := range l.events {
		if e.name == name {
			var v T
			if err := json.Unmarshal(e.data, &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, v)
		}
	}
	return out
}

// Parent stands in for the tenant actor: it starts one child and keeps what the child sends it.
type Parent struct {
	props *actor.Props
	self  *actor.PID
	child *actor.PID
	mu    sync.Mutex
	got   []any
	ready chan struct{}
}

type flushProbe struct{ done chan struct{} }

// Receive implements actor.Actor.
func (p *Parent) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		p.self, p.child = ctx.Self(), ctx.Spawn(p.props)
		close(p.ready)
	case *actor.Stopping, *actor.Stopped, *actor.Restarting, *actor.Terminated:
	case *flushProbe:
		close(msg.done)
	default:
		p.mu.Lock()
		p.got = append(p.got, msg)
		p.mu.Unlock()
	}
}

// SpawnUnder starts props as the child of a Parent and returns the parent and the child.
func SpawnUnder(t testing.TB, system *actor.ActorSystem, props *actor.Props) (*Parent, *actor.PID) {
	t.Helper()
	p := &Parent{props: props, ready: make(chan struct{})}
	system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return p }))
	select {
	case <-p.ready:
		return p, p.child
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not start")
		return nil, nil
	}
}

// Flush waits until the parent has handled every message sent to it before the call (a mailbox is a queue).
func (p *Parent) Flush(t testing.TB, system *actor.ActorSystem) {
	t.Helper()
	probe := &flushProbe{done: make(chan struct{})}
	system.Root.Send(p.self, probe)
	select {
	case <-probe.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the parent did not answer")
	}
}

// Received returns what the child sent its parent so far, of type T, in order.
func Received[T any](p *Parent) []T {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []T
	for _, m := range p.got {
		if v, ok := m.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// Eventually polls cond until it holds, failing the test after 15 s.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Channel creates an active channel of platform; hook and secret may be empty.
func Channel(t testing.TB, store *persistence.TenantStore, platform domain.PlatformType, hook, secret string) persistence.Channel {
	t.Helper()
	name := "Test " + string(platform)
	ch := persistence.Channel{ChannelID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), PlatformType: string(platform),
		ChannelName: &name, IsActive: true}
	if hook != "" {
		ch.WebhookURL = &hook
	}
	if secret != "" {
		ch.WebhookSecret = &secret
	}
	out, err := store.CreateChannel(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Chat creates a customer of the channel, known there as platformID, and an open chat with them.
func Chat(t testing.TB, store *persistence.TenantStore, channelID uuid.UUID, platformID string) persistence.Chat {
	t.Helper()
	ctx := context.Background()
	cu, err := store.CreateCustomer(ctx, persistence.Customer{CustomerID: uuid.Must(uuid.NewV7()), ChannelID: channelID,
		PlatformCustomerID: platformID})
	if err != nil {
		t.Fatal(err)
	}
	chat, err := store.CreateChat(ctx, persistence.Chat{ChatID: uuid.Must(uuid.NewV7()), CustomerID: cu.CustomerID,
		ChannelID: channelID, Status: "OPEN", PlatformChatID: &platformID})
	if err != nil {
		t.Fatal(err)
	}
	return chat
}

// LockTable holds an ACCESS EXCLUSIVE lock on a table of the store's database, so that every read of it
// waits, until the returned release is called (or the test ends).
func LockTable(t testing.TB, store *persistence.TenantStore, table string) (release func()) {
	t.Helper()
	ctx := context.Background()
	tx, err := store.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { _ = tx.Rollback(ctx) }) }
	t.Cleanup(release)
	return release
}
