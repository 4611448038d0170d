package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/internal/testkit"
)

// TestReconnectAfterRestart: when the engine stops, the app shows that it is offline; when it is back on the
// same address, the WebSocket reconnects by itself, what was missed is fetched and live events flow again.
func TestReconnectAfterRestart(t *testing.T) {
	b := Setup(t)
	cfg := testkit.Config(t)
	e := testkit.Start(t, cfg)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	ch.Inbound("m-1", "dana", "First message")
	p.Click(p.Conversation("Customer dana"))
	p.WaitMessages("First message")

	e.Stop()
	p.Shows("status", "Offline")
	p.Screenshot("offline")

	restart(t, cfg, strings.TrimPrefix(e.BaseURL, "http://"))
	ch.Inbound("m-2", "dana", "Sent while you were away") // likely before the app reconnects: recovered by refetch
	p.WaitMessages("Sent while you were away")
	p.Eventually("the offline banner to go", func() bool { return !p.Showing("status", "Offline") && !p.Showing("status", "Connecting") })
	ch.Inbound("m-3", "dana", "And one more, live")
	p.WaitMessages("And one more, live")
}

// restart starts a node on cfg again, on the address the stopped one served.
func restart(t *testing.T, cfg *config.Config, addr string) {
	t.Helper()
	eng, err := engine.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("restarting the engine: %v", err)
	}
	var ln net.Listener
	deadline := time.Now().Add(waitTimeout)
	for {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listening on %s again: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	go func() { _ = eng.Server.App.Listener(ln) }()
	t.Cleanup(eng.Stop)
}
