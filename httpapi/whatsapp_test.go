package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/sessions"
)

type connectionStatus struct {
	ChannelID  string     `json:"channelId"`
	Status     string     `json:"status"`
	LastError  *string    `json:"lastError"`
	Reconnects int        `json:"reconnects"`
	LastSeenAt *time.Time `json:"lastSeenAt"`
	JID        *string    `json:"jid"`
}

// startWithFakeWhatsApp starts an engine whose WhatsApp is a fake the test scripts.
func startWithFakeWhatsApp(t *testing.T) (*testkit.Engine, *fakewhatsapp.WhatsApp) {
	cfg := testkit.Config(t)
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	return testkit.Start(t, cfg), fake
}

func statuses(ws *testkit.WSClient) []connectionStatus {
	var out []connectionStatus
	for _, f := range ws.Frames("connection_status") {
		var st connectionStatus
		_ = json.Unmarshal(f.Data, &st)
		out = append(out, st)
	}
	return out
}

func waitStatusFrame(t *testing.T, ws *testkit.WSClient, want string) connectionStatus {
	t.Helper()
	var found connectionStatus
	testkit.Eventually(t, 5*time.Second, "connection_status "+want, func() bool {
		for _, st := range statuses(ws) {
			if st.Status == want {
				found = st
				return true
			}
		}
		return false
	})
	return found
}

// TestWhatsAppQRFlow: connecting shows QR codes on the WebSocket, in the status and as a PNG; scanning
// connects; every status change reaches the WebSocket; toggling again disconnects.
func TestWhatsAppQRFlow(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)

	if st := e.WhatsAppStatus(acct.Token); st.Status != "DISCONNECTED" || st.ChannelID != nil {
		t.Fatalf("before connecting: %+v", st)
	}
	if r := e.Do("GET", "/api/integrations/whatsapp/qr.png", acct.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("qr.png before connecting: %d", r.Status)
	}
	var toggled struct {
		ChannelID uuid.UUID `json:"channelId"`
		Status    string    `json:"status"`
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, &toggled)
	if toggled.ChannelID == uuid.Nil || toggled.Status != "CONNECTING" {
		t.Fatalf("toggle answered %+v", toggled)
	}

	qrs := ws.WaitFrames("qr", 1, 5*time.Second)
	var qr struct {
		ChannelID string    `json:"channelId"`
		Code      string    `json:"code"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	if err := json.Unmarshal(qrs[0].Data, &qr); err != nil || qr.ChannelID != toggled.ChannelID.String() || qr.Code == "" ||
		time.Until(qr.ExpiresAt) < 30*time.Second {
		t.Fatalf("qr frame %s: %v", qrs[0].Data, err)
	}
	st := e.WaitWhatsAppStatus(acct.Token, "WAITING_QR", 5*time.Second)
	if st.QR == nil || st.QR.Code != qr.Code || *st.ChannelID != toggled.ChannelID.String() {
		t.Fatalf("status while waiting: %+v", st)
	}
	r := e.Must(http.StatusOK, "GET", "/api/integrations/whatsapp/qr.png", acct.Token, nil, nil)
	if img, err := png.Decode(bytes.NewReader(r.Body)); err != nil || img.Bounds().Dx() < 100 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %v (%s)", err, r.Header.Get("Content-Type"))
	}

	// The phone scans the code.
	if err := fake.Pair(toggled.ChannelID, "4915112345678@s.whatsapp.net"); err != nil {
		t.Fatal(err)
	}
	connected := waitStatusFrame(t, ws, "CONNECTED")
	if connected.JID == nil || *connected.JID != "4915112345678@s.whatsapp.net" || connected.LastSeenAt == nil ||
		connected.ChannelID != toggled.ChannelID.String() {
		t.Fatalf("connected frame %+v", connected)
	}
	var order []string
	for _, s := range statuses(ws) {
		order = append(order, s.Status)
	}
	if fmt.Sprint(order) != "[CONNECTING WAITING_QR CONNECTED]" {
		t.Fatalf("status frames %v", order)
	}
	if st := e.WhatsAppStatus(acct.Token); st.Status != "CONNECTED" || st.QR != nil || st.LastError != nil {
		t.Fatalf("status when connected: %+v", st)
	}
	if r := e.Do("GET", "/api/integrations/whatsapp/qr.png", acct.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("qr.png when connected: %d", r.Status)
	}
	if r := e.Do("POST", "/api/integrations/whatsapp/pair-phone", acct.Token, map[string]any{"phone": "+49 151 12345678"}); r.Status != http.StatusConflict {
		t.Fatalf("pair-phone when connected: %d %s", r.Status, r.Body)
	}

	// Toggling again disconnects, and says so.
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, &toggled)
	if toggled.Status != "DISCONNECTED" || fake.Connected(toggled.ChannelID) {
		t.Fatalf("second toggle: %+v, fake connected %v", toggled, fake.Connected(toggled.ChannelID))
	}
	waitStatusFrame(t, ws, "DISCONNECTED")
	// The device stays stored: connecting again needs no QR code.
	_, _, qrsBefore := fake.Counts(toggled.ChannelID)
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, &toggled)
	e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 5*time.Second)
	if _, _, qrsAfter := fake.Counts(toggled.ChannelID); qrsAfter != qrsBefore {
		t.Fatalf("reconnecting a paired device showed %d new QR codes", qrsAfter-qrsBefore)
	}
}

// TestWhatsAppPairByPhoneAndLogout pairs with a code instead of a QR scan, then logs out.
func TestWhatsAppPairByPhoneAndLogout(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	if r := e.Do("POST", "/api/integrations/whatsapp/pair-phone", acct.Token, map[string]any{"phone": "0151"}); r.Status != http.StatusBadRequest {
		t.Fatalf("bad phone: %d %s", r.Status, r.Body)
	}
	var code struct {
		Code string `json:"code"`
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/pair-phone", acct.Token, map[string]any{"phone": "+49 151 12345678"}, &code)
	if code.Code != "FAKE-CODE" || fmt.Sprint(fake.PairPhones()) != "[+49 151 12345678]" {
		t.Fatalf("pair-phone: %+v %v", code, fake.PairPhones())
	}
	st := e.WhatsAppStatus(acct.Token)
	channelID := uuid.MustParse(*st.ChannelID)
	if err := fake.Pair(channelID, "4915112345678@s.whatsapp.net"); err != nil {
		t.Fatal(err)
	}
	e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 5*time.Second)

	var out struct {
		Status string `json:"status"`
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/logout", acct.Token, nil, &out)
	if out.Status != "LOGGED_OUT" || fake.Device(channelID) != "" || fake.Connected(channelID) {
		t.Fatalf("logout: %+v device %q", out, fake.Device(channelID))
	}
	if st := e.WhatsAppStatus(acct.Token); st.Status != "LOGGED_OUT" || st.JID != nil {
		t.Fatalf("status after logout: %+v", st)
	}
	// After a logout, connecting needs a new QR code.
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
	e.WaitWhatsAppStatus(acct.Token, "WAITING_QR", 5*time.Second)
}

// TestWhatsAppPermanentAndTemporaryDisconnects: a dropped connection reconnects with backoff; a remote
// logout, a ban or an outdated client stop retrying and say so.
func TestWhatsAppPermanentAndTemporaryDisconnects(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")

	_, connectsBefore, _ := fake.Counts(channelID)
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	dropped := waitStatusFrame(t, ws, "ERROR")
	if dropped.LastError == nil || *dropped.LastError != "fake connection dropped" {
		t.Fatalf("drop frame %+v", dropped)
	}
	st := e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 10*time.Second)
	if _, connects, _ := fake.Counts(channelID); connects != connectsBefore+1 || st.Reconnects != 1 {
		t.Fatalf("reconnect: %d connects (was %d), reconnects %d", connects, connectsBefore, st.Reconnects)
	}

	for _, c := range []struct {
		ev     sessions.WhatsAppEvent
		status string
	}{
		{sessions.WABanned{Reason: "sent to too many people", Expire: time.Hour}, "BANNED"},
		{sessions.WAOutdated{}, "OUTDATED"},
		{sessions.WAStreamReplaced{}, "ERROR"},
	} {
		if err := fake.Emit(channelID, c.ev); err != nil {
			t.Fatal(err)
		}
		st := e.WaitWhatsAppStatus(acct.Token, c.status, 5*time.Second)
		if st.LastError == nil || st.NextRetryAt != nil || fake.Connected(channelID) {
			t.Fatalf("%T: %+v", c.ev, st)
		}
		e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
		e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 5*time.Second)
	}
	if err := fake.RemoteLogout(channelID); err != nil {
		t.Fatal(err)
	}
	st = e.WaitWhatsAppStatus(acct.Token, "LOGGED_OUT", 5*time.Second)
	if st.LastError == nil || st.NextRetryAt != nil {
		t.Fatalf("remote logout: %+v", st)
	}
	// Nothing retries behind a permanent status.
	_, connects, _ := fake.Counts(channelID)
	time.Sleep(1500 * time.Millisecond)
	if _, again, _ := fake.Counts(channelID); again != connects {
		t.Fatalf("%d connects after a logout", again-connects)
	}
}
