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

func TestQRCodesRotate(t *testing.T) {
	c, got := newTestClient(t)
	start := time.Now()
	c.handle(&events.QR{Codes: []string{"2@first", "2@second"}})
	first := (<-got).(WAQRCode)
	if first.Code != "2@first" || first.ExpiresAt.Sub(start) < 59*time.Second || first.ExpiresAt.Sub(start) > 61*time.Second {
		t.Fatalf("first code %+v", first)
	}
	// Pairing stops the rotation: no further code, no timeout.
	c.handle(&events.PairSuccess{ID: own})
	if ev := <-got; ev != (WAPaired{JID: "4915112345678@s.whatsapp.net"}) {
		t.Fatalf("after pairing: %#v", ev)
	}
	select {
	case ev := <-got:
		t.Fatalf("unexpected event after pairing: %#v", ev)
	case <-time.After(100 * time.Millisecond):
	}
}
