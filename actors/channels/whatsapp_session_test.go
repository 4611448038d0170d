package channels

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/internal/testkit/actortest"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/internal/testkit/testdb"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// waFixture is a WhatsApp channel's session on the scripted WhatsApp, with a stand-in for its tenant.
type waFixture struct {
	store  *persistence.TenantStore
	fake   *fakewhatsapp.WhatsApp
	ch     persistence.Channel
	system *actor.ActorSystem
	events *actortest.EventLog
	parent *actortest.Parent
	pid    *actor.PID
}

const waHolder = "member-under-test"

// newWAFixture starts the session of a channel whose phone was paired before, and switches it on.
func newWAFixture(t *testing.T) *waFixture {
	store := testdb.Tenant(t)
	fake := fakewhatsapp.New()
	cfg := config.Defaults()
	cfg.WhatsAppSendRate, cfg.WhatsAppSendBurst = 1000, 1000
	n, events := actortest.Node(t, cfg, &sessions.Registry{WhatsApp: fake})
	ch := actortest.Channel(t, store, domain.PlatformWhatsApp, "", "")
	fake.StoreDevice(ch.ChannelID, "15550001111@s.whatsapp.net")
	parent, pid := actortest.SpawnUnder(t, n.System, WhatsAppProps(n, uuid.Must(uuid.NewV7()), store, ch.ChannelID, waHolder, NewWANumbers(), actortest.Log))
	f := &waFixture{store: store, fake: fake, ch: ch, system: n.System, events: events, parent: parent, pid: pid}

	toggled := make(chan ops.ToggleResult, 1)
	n.System.Root.Send(pid, &WAToggle{Done: func(r ops.ToggleResult, err error) {
		if err != nil {
			t.Errorf("toggle: %v", err)
		}
		toggled <- r
	}})
	select {
	case <-toggled:
	case <-time.After(10 * time.Second):
		t.Fatal("toggle not answered")
	}
	actortest.Eventually(t, "the session connected", func() bool { return f.status(t).Status == ops.WAStatusConnected })
	return f
}

// status asks the session for its status, as the API does.
func (f *waFixture) status(t *testing.T) ops.WhatsAppStatus {
	t.Helper()
	got := make(chan ops.WhatsAppStatus, 1)
	f.system.Root.Send(f.pid, &WAStatus{Done: func(s ops.WhatsAppStatus, _ error) { got <- s }})
	select {
	case s := <-got:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("status not answered")
		return ops.WhatsAppStatus{}
	}
}

// TestWhatsAppSessionConnects: switched on, the session takes the channel's lease, connects with the
// stored device, tells its tenant it is live, shows CONNECTING then CONNECTED to the tenant's clients and
// remembers in the channel's metadata that it should reconnect after a restart.
func TestWhatsAppSessionConnects(t *testing.T) {
	f := newWAFixture(t)
	if live := actortest.Received[*SessionLive](f.parent); len(live) != 1 || !live[0].Live || live[0].ChannelID != f.ch.ChannelID {
		t.Fatalf("session live reports: %+v", live)
	}
	var statuses []string
	for _, s := range actortest.Events[ops.WhatsAppStatus](t, f.events, ops.EventConnectionStatus) {
		statuses = append(statuses, s.Status)
	}
	if !slices.Equal(statuses, []string{ops.WAStatusConnecting, ops.WAStatusConnected}) {
		t.Fatalf("connection_status events %v", statuses)
	}
	if st := f.status(t); st.JID == nil || *st.JID != "15550001111@s.whatsapp.net" || st.LastError != nil {
		t.Fatalf("status %+v", st)
	}
	var holder string
	if err := f.store.Pool.QueryRow(context.Background(), `SELECT holder FROM session_leases WHERE channel_id = $1`, f.ch.ChannelID).Scan(&holder); err != nil || holder != waHolder {
		t.Fatalf("lease held by %q (%v), want %q", holder, err, waHolder)
	}
	actortest.Eventually(t, "the session state saved", func() bool {
		ch, err := f.store.GetChannel(context.Background(), f.ch.ChannelID)
		meta := ReadChannelMeta(ch.Metadata)
		return err == nil && meta.AutoConnect && meta.HasDevice && meta.Status == ops.WAStatusConnected
	})
	if opens, connects, qrs := f.fake.Counts(f.ch.ChannelID); opens != 1 || connects != 1 || qrs != 0 {
		t.Fatalf("opens %d, connects %d, QR codes %d", opens, connects, qrs)
	}
}

// TestWhatsAppSessionAcksInboundAfterCommit: a customer's message goes to the tenant, and WhatsApp gets its
// acknowledgement only once the tenant answers that it is committed; a message the tenant could not store
// is not acknowledged, so WhatsApp delivers it again.
func TestWhatsAppSessionAcksInboundAfterCommit(t *testing.T) {
	f := newWAFixture(t)
	for i, stored := range []bool{true, false} {
		acked := make(chan bool, 1)
		id := uuid.NewString()
		go func() {
			ok, err := f.fake.Deliver(f.ch.ChannelID, sessions.WAMessage{ID: id, Chat: "15552223333@s.whatsapp.net",
				PushName: "Dana", ContentType: domain.ContentText, Text: "is the blue one in stock?", Timestamp: time.Now()})
			if err != nil {
				t.Error(err)
			}
			acked <- ok
		}()
		actortest.Eventually(t, "the message handed to the tenant", func() bool { return len(actortest.Received[*WAInbound](f.parent)) == i+1 })
		in := actortest.Received[*WAInbound](f.parent)[i]
		if in.ChannelID != f.ch.ChannelID || in.Input.PlatformMessageID != id || in.Input.From.PlatformCustomerID != "15552223333@s.whatsapp.net" ||
			in.Input.From.FullName == nil || *in.Input.From.FullName != "Dana" || in.Input.From.Phone == nil || in.Input.Content != "is the blue one in stock?" {
			t.Fatalf("inbound handed over: %+v", in)
		}
		select {
		case ok := <-acked:
			t.Fatalf("acknowledged (%v) before the tenant answered", ok)
		case <-time.After(200 * time.Millisecond):
		}
		var err error
		if !stored {
			err = &domain.Error{Code: domain.CodeUnavailable, Message: "database down"}
		}
		f.system.Root.Send(in.ReplyTo, node.NewAnswer(ops.InboundResult{MessageID: uuid.New()}, err, actortest.Log, "test", ""))
		select {
		case ok := <-acked:
			if ok != stored {
				t.Fatalf("stored %v, acknowledged %v", stored, ok)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no acknowledgement")
		}
	}
}

// TestWhatsAppSessionSends: a committed message handed to the session is sent with the WhatsApp id chosen
// before the send and reported SENT; a transient failure is retried with the same id (so the phone shows it
// once); a recipient that is not a WhatsApp address is FAILED at once.
func TestWhatsAppSessionSends(t *testing.T) {
	f := newWAFixture(t)
	out := func(text, to string) sessions.Outbound {
		return sessions.Outbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: uuid.Must(uuid.NewV7()),
			PlatformMessageID: sessions.NewWhatsAppMessageID(), To: to, ContentType: domain.ContentText, Content: text}
	}
	first := out("first, retried", "15552223333@s.whatsapp.net")
	bad := out("to nobody", "not-a-jid")
	third := out("third", "15552223333@s.whatsapp.net")
	// The fake fails the next sends in order: the first message's first attempt, then the second message.
	for i, step := range []struct {
		m    sessions.Outbound
		fail error
	}{{first, errors.New("websocket hiccup")}, {bad, sessions.ErrWABadRecipient}, {third, nil}} {
		if step.fail != nil {
			f.fake.FailNextSends(step.fail)
		}
		f.system.Root.Send(f.pid, &OutboundReady{ChannelID: f.ch.ChannelID, Platform: string(domain.PlatformWhatsApp), Msg: step.m})
		actortest.Eventually(t, "the send report", func() bool { return len(actortest.Received[*SendReport](f.parent)) == i+1 })
	}
	reps := actortest.Received[*SendReport](f.parent)
	want := []struct {
		m      sessions.Outbound
		status domain.MessageStatus
	}{{first, domain.StatusSent}, {bad, domain.StatusFailed}, {third, domain.StatusSent}}
	for i, w := range want {
		r := reps[i]
		if *r.Change.MessageID != w.m.MessageID || r.ChatID != w.m.ChatID || r.Change.Status != w.status {
			t.Fatalf("report %d: %+v, want %s for %q", i, r.Change, w.status, w.m.Content)
		}
	}
	if reps[1].Change.Error == nil {
		t.Fatal("the FAILED report says nothing about why")
	}
	var tries []string
	for _, s := range f.fake.Sent() {
		if s.Text == first.Content {
			tries = append(tries, s.ID)
		}
	}
	if len(tries) != 2 || tries[0] != first.PlatformMessageID || tries[1] != first.PlatformMessageID {
		t.Fatalf("attempts of the retried message carried ids %v, want %s twice", tries, first.PlatformMessageID)
	}
}
