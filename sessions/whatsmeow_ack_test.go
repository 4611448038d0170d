package sessions

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// newTestClient wraps a real (never connected) whatsmeow client in the adapter, with events collected.
func newTestClient(t *testing.T) (*waClient, chan WhatsAppEvent) {
	t.Helper()
	got := make(chan WhatsAppEvent, 16)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := &waClient{f: NewWhatsmeowFactory(log), cli: whatsmeow.NewClient(&store.Device{}, nil), db: func() error { return nil },
		onEvent: func(ev WhatsAppEvent) { got <- ev }, log: log}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	t.Cleanup(c.Close)
	return c, got
}

// TestHandlerAcksOnlyCommittedMessages feeds a real events.Message to the handler whatsmeow calls: it
// reports success (so whatsmeow sends the ack and delivery receipt) only once the message is committed.
func TestHandlerAcksOnlyCommittedMessages(t *testing.T) {
	c, got := newTestClient(t)
	for _, committed := range []bool{true, false} {
		result := make(chan bool, 1)
		go func() {
			result <- c.handle(&events.Message{Info: directInfo("M1"), Message: &waE2E.Message{Conversation: proto.String("hi")}})
		}()
		m := (<-got).(*WAMessage)
		select {
		case <-result:
			t.Fatal("the handler returned before the commit was reported")
		case <-time.After(50 * time.Millisecond):
		}
		m.Done(committed)
		if ok := <-result; ok != committed {
			t.Fatalf("commit %v: handler returned %v", committed, ok)
		}
	}
	// Events without a commit to wait for return at once.
	if !c.handle(&events.Receipt{MessageSource: directInfo("x").MessageSource, MessageIDs: []string{"x"}}) {
		t.Fatal("receipt handler failed")
	}
	if _, ok := (<-got).(WAReceipt); !ok {
		t.Fatal("receipt not delivered")
	}
	// A closed client lets WhatsApp keep the message (no ack) instead of waiting.
	c.Close()
	if c.handle(&events.Message{Info: directInfo("M2"), Message: &waE2E.Message{Conversation: proto.String("hi")}}) {
		t.Fatal("closed client acknowledged a message")
	}
}

// TestQRCodesRotate: whatsmeow hands over a batch of codes; each is shown in turn (the first for 60
// seconds, the others for 20, shortened here), and when the last expires the pairing attempt ends.
// Pairing stops the rotation.
func TestQRCodesRotate(t *testing.T) {
	c, got := newTestClient(t)
	start := time.Now()
	c.handle(&events.QR{Codes: []string{"2@first", "2@second"}})
	if first := nextEvent(t, got, time.Second).(WAQRCode); first.Code != "2@first" ||
		first.ExpiresAt.Sub(start) < 59*time.Second || first.ExpiresAt.Sub(start) > 61*time.Second {
		t.Fatalf("first code with the real timings %+v", first)
	}

	const firstTTL, nextTTL = 300 * time.Millisecond, 150 * time.Millisecond
	c.qr.mu.Lock()
	c.qr.firstTTL, c.qr.nextTTL = firstTTL, nextTTL
	c.qr.mu.Unlock()
	// A new batch replaces the running rotation.
	start = time.Now()
	c.handle(&events.QR{Codes: []string{"2@a", "2@b", "2@c"}})
	shown := start
	for i, want := range []string{"2@a", "2@b", "2@c"} {
		ttl := nextTTL
		if i == 0 {
			ttl = firstTTL
		}
		ev := nextEvent(t, got, 5*time.Second)
		code, ok := ev.(WAQRCode)
		if !ok || code.Code != want {
			t.Fatalf("code %d: got %#v, want %s", i, ev, want)
		}
		if i > 0 {
			before := firstTTL // how long the code before this one was shown
			if i > 1 {
				before = nextTTL
			}
			if since := time.Since(shown); since < before-10*time.Millisecond {
				t.Fatalf("code %s shown %s after the one before, which was to stay %s", want, since, before)
			}
		}
		shown = time.Now()
		if d := code.ExpiresAt.Sub(shown); d > ttl || d < ttl-100*time.Millisecond {
			t.Fatalf("code %s expires in %s, want %s", want, d, ttl)
		}
	}
	if ev := nextEvent(t, got, 5*time.Second); ev != (WAQRTimeout{}) {
		t.Fatalf("after the last code: %#v", ev)
	}
	if time.Since(shown) < nextTTL-10*time.Millisecond {
		t.Fatalf("the attempt ended %s after the last code, before it expired", time.Since(shown))
	}

	// Pairing stops the rotation: no further code, no timeout.
	c.handle(&events.QR{Codes: []string{"2@x", "2@y"}})
	if code, ok := nextEvent(t, got, 5*time.Second).(WAQRCode); !ok || code.Code != "2@x" {
		t.Fatalf("first code of the last batch: %#v", code)
	}
	c.handle(&events.PairSuccess{ID: own})
	if ev := nextEvent(t, got, time.Second); ev != (WAPaired{JID: "4915112345678@s.whatsapp.net", Device: "4915112345678:7@s.whatsapp.net"}) {
		t.Fatalf("after pairing: %#v", ev)
	}
	select {
	case ev := <-got:
		t.Fatalf("unexpected event after pairing: %#v", ev)
	case <-time.After(firstTTL + 2*nextTTL + 200*time.Millisecond):
	}
}

// nextEvent waits for the client's next event.
func nextEvent(t *testing.T, got chan WhatsAppEvent, timeout time.Duration) WhatsAppEvent {
	t.Helper()
	select {
	case ev := <-got:
		return ev
	case <-time.After(timeout):
		t.Fatalf("no event within %s", timeout)
		return nil
	}
}

// lidMap is a LID store that knows one pair.
type lidMap struct{ lid, pn types.JID }

func (l lidMap) PutManyLIDMappings(context.Context, []store.LIDMapping) error { return nil }
func (l lidMap) PutLIDMapping(context.Context, types.JID, types.JID) error    { return nil }
func (l lidMap) GetPNForLID(_ context.Context, lid types.JID) (types.JID, error) {
	if lid == l.lid {
		return l.pn, nil
	}
	return types.EmptyJID, nil
}
func (l lidMap) GetLIDForPN(context.Context, types.JID) (types.JID, error) {
	return types.EmptyJID, nil
}
func (l lidMap) GetManyLIDsForPNs(context.Context, []types.JID) (map[types.JID]types.JID, error) {
	return nil, nil
}

// TestHandlerFilesALIDUnderItsPhoneNumber: a message naming its customer by LID alone is filed under their
// phone number when whatsmeow's LID store knows it, with the LID kept for merging.
func TestHandlerFilesALIDUnderItsPhoneNumber(t *testing.T) {
	c, got := newTestClient(t)
	c.cli.Store.LIDs = lidMap{lid: customerLID, pn: customer}
	info := directInfo("L1")
	info.Chat, info.Sender = customerLID, customerLID
	go c.handle(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("hi")}})
	m := nextEvent(t, got, 5*time.Second).(*WAMessage)
	m.Done(true)
	if m.Chat != customer.String() || m.LID != customerLID.String() {
		t.Fatalf("LID message filed under %q (LID %q)", m.Chat, m.LID)
	}
	other := types.NewJID("11111111111111", types.HiddenUserServer)
	info.Chat, info.Sender, info.ID = other, other, "L2"
	go c.handle(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("hi")}})
	m = nextEvent(t, got, 5*time.Second).(*WAMessage)
	m.Done(true)
	if m.Chat != other.String() || m.LID != "" {
		t.Fatalf("unknown LID filed under %q (LID %q)", m.Chat, m.LID)
	}
}
