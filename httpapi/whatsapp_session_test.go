package httpapi_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// TestWhatsAppRestoresAfterRestart: a connected session comes back on a new node by itself, from the
// device stored earlier, without a QR code; a send committed before the restart goes out once.
func TestWhatsAppRestoresAfterRestart(t *testing.T) {
	cfg := testkit.Config(t)
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "hi")) {
		t.Fatal("not acknowledged")
	}
	_, connects, qrs := fake.Counts(channelID)
	e.Stop()
	if fake.Connected(channelID) {
		t.Fatal("the stopped node left its WhatsApp connection open")
	}

	restarted := testkit.Start(t, cfg)
	testkit.Eventually(t, 15*time.Second, "the session to reconnect on the new node", func() bool { return fake.Connected(channelID) })
	st := restarted.WaitWhatsAppStatus(acct.Token, "CONNECTED", 5*time.Second)
	if _, c, q := fake.Counts(channelID); c != connects+1 || q != qrs {
		t.Fatalf("restore: %d connects (was %d), %d QR codes (was %d)", c, connects, q, qrs)
	}
	if st.JID == nil || *st.JID != "4915112345678@s.whatsapp.net" {
		t.Fatalf("restored status %+v", st)
	}
	chatID := conversationsByNumber(t, restarted, acct.Token)["+15551234567"].ChatID
	var sent struct {
		Message message `json:"message"`
	}
	restarted.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "back"}, &sent)
	waitMessageStatus(t, restarted, acct.Token, chatID, sent.Message.MessageID, "SENT")
}

// TestSessionLeaseHasOneHolder takes the lease at the database level with two holders.
func TestSessionLeaseHasOneHolder(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	store := persistence.NewTenantStore(e.TenantDB(acct.TenantID), nil)
	ctx, id := t.Context(), uuid.MustParse(ch.ID)

	if _, ok, err := store.AcquireLease(ctx, id, "node-a/1", 30*time.Second); err != nil || !ok {
		t.Fatalf("first holder: %v %v", ok, err)
	}
	lease, ok, err := store.AcquireLease(ctx, id, "node-b/1", 30*time.Second)
	if err != nil || ok || lease.Holder != "node-a/1" || time.Until(lease.ExpiresAt) < 20*time.Second {
		t.Fatalf("second holder took the lease: %v %+v %v", ok, lease, err)
	}
	if ok, err := store.RenewLease(ctx, id, "node-b/1", 30*time.Second); err != nil || ok {
		t.Fatalf("second holder renewed: %v %v", ok, err)
	}
	if ok, err := store.RenewLease(ctx, id, "node-a/1", 30*time.Second); err != nil || !ok {
		t.Fatalf("holder could not renew: %v %v", ok, err)
	}
	// An expired lease goes to whoever asks next; the old holder then cannot renew it.
	if _, err := store.Pool.Exec(ctx, `UPDATE session_leases SET expires_at = now() - interval '1 second' WHERE channel_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := store.AcquireLease(ctx, id, "node-b/1", 30*time.Second); err != nil || !ok {
		t.Fatalf("expired lease not taken over: %v %v", ok, err)
	}
	if ok, _ := store.RenewLease(ctx, id, "node-a/1", 30*time.Second); ok {
		t.Fatal("the old holder renewed a lease taken over")
	}
	if err := store.ReleaseLease(ctx, id, "node-a/1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := store.AcquireLease(ctx, id, "node-a/1", 30*time.Second); ok {
		t.Fatal("a release by a former holder freed the lease")
	}
	if err := store.ReleaseLease(ctx, id, "node-b/1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := store.AcquireLease(ctx, id, "node-a/1", 30*time.Second); !ok {
		t.Fatal("released lease not free")
	}
}

// TestWhatsAppWaitsForAnotherNodesLease: while another node holds the channel's lease, the session does
// not connect and says why; once the lease is free it connects.
func TestWhatsAppWaitsForAnotherNodesLease(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	db := e.TenantDB(acct.TenantID)
	var holder string
	if err := db.QueryRow(t.Context(), `SELECT holder FROM session_leases WHERE channel_id = $1 AND expires_at > now()`, channelID).Scan(&holder); err != nil ||
		!strings.HasPrefix(holder, e.Node.Address()+"/") {
		t.Fatalf("running session's lease holder %q: %v", holder, err)
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
	e.WaitWhatsAppStatus(acct.Token, "DISCONNECTED", 5*time.Second)
	if _, err := db.Exec(t.Context(), `INSERT INTO session_leases (channel_id, holder, expires_at) VALUES ($1, 'other-node:7000/x', now() + interval '1 minute')`, channelID); err != nil {
		t.Fatalf("the lease was not released on disconnect: %v", err)
	}
	opens, connects, _ := fake.Counts(channelID)

	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
	st := e.WaitWhatsAppStatus(acct.Token, "ERROR", 5*time.Second)
	if st.LastError == nil || !strings.Contains(*st.LastError, "other-node:7000/x") || st.NextRetryAt == nil {
		t.Fatalf("status while another node holds the lease: %+v", st)
	}
	if o, c, _ := fake.Counts(channelID); o != opens || c != connects {
		t.Fatalf("opened %d / connected %d clients without the lease", o-opens, c-connects)
	}
	if _, err := db.Exec(t.Context(), `DELETE FROM session_leases WHERE channel_id = $1`, channelID); err != nil {
		t.Fatal(err)
	}
	e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 10*time.Second)
}

// TestWhatsAppSessionCrashRestartsUnderSupervision: a panicking session restarts with backoff and
// reconnects; the tenant keeps answering meanwhile and messages flow afterwards.
func TestWhatsAppSessionCrashRestartsUnderSupervision(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	opens, _, _ := fake.Counts(channelID)

	fake.CrashOnDeviceCheck(1)
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 15*time.Second, "a restarted session with a new client", func() bool {
		o, _, _ := fake.Counts(channelID)
		e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
		return o > opens && fake.Connected(channelID)
	})
	e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 5*time.Second)
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "still there?")) {
		t.Fatal("message after the restart not acknowledged")
	}
	if c := conversationsByNumber(t, e, acct.Token)["+15551234567"]; c.UnreadCount != 1 {
		t.Fatalf("conversation after restart: %+v", c)
	}
}

// reachesWhatsApp reports whether this machine can open a connection to WhatsApp Web.
// TestWhatsAppRealClientOffline runs the real whatsmeow client where WhatsApp cannot be reached (its dials
// go to a closed loopback port, whatever the machine's network): the store tables are created in the
// tenant's database, connecting fails within seconds with the reason in the status, and retries back off
// instead of spinning.
func TestWhatsAppRealClientOffline(t *testing.T) {
	closed := closedLoopbackAddr(t)
	var dials atomic.Int32
	cfg := testkit.Config(t)
	testkit.UseWhatsApp(cfg, sessions.NewWhatsmeowFactory(slog.New(slog.DiscardHandler),
		sessions.WithDialer(func(ctx context.Context, network, _ string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, closed)
		})))
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	start := time.Now()
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
	failed := waitStatusFrame(t, ws, "ERROR")
	if time.Since(start) > 10*time.Second || failed.LastError == nil || !strings.Contains(*failed.LastError, "cannot connect") ||
		dials.Load() == 0 {
		t.Fatalf("offline connect after %s (%d dials): %+v", time.Since(start), dials.Load(), failed)
	}

	db := e.TenantDB(acct.TenantID)
	var tables []string
	rows, err := db.Query(t.Context(), `SELECT table_name FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = 'public' AND table_name LIKE 'whatsmeow\_%' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		_ = rows.Scan(&name)
		tables = append(tables, name)
	}
	joined := strings.Join(tables, ",")
	if !strings.Contains(joined, "whatsmeow_device") || !strings.Contains(joined, "whatsmeow_version") ||
		!strings.Contains(joined, "whatsmeow_event_buffer") {
		t.Fatalf("whatsmeow tables in %s: %v", persistence.TenantDatabaseName(uuid.MustParse(acct.TenantID)), tables)
	}

	// Retries back off: by the time the second retry has happened, at most a handful were made.
	var st testkit.WhatsAppState
	testkit.Eventually(t, 15*time.Second, "two retries", func() bool {
		st = e.WhatsAppStatus(acct.Token)
		return st.Reconnects >= 2
	})
	if elapsed := time.Since(start); st.Reconnects > 4 || elapsed < 2*time.Second || (st.Status != "ERROR" && st.Status != "CONNECTING") {
		t.Fatalf("%d reconnects in %s: %+v", st.Reconnects, elapsed, st)
	}
	var toggled struct {
		Status string `json:"status"`
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, &toggled)
	if toggled.Status != "DISCONNECTED" {
		t.Fatalf("switching off while retrying: %+v", toggled)
	}
}

// closedLoopbackAddr is a loopback address nothing listens on: a port the kernel handed out, then closed.
func closedLoopbackAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
