package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
)

// TestWhatsAppSeveralNumbersPerTenant: two WhatsApp numbers of one tenant are connected at once, each
// with its own status, QR code, events and lease; a customer writing to both has a chat on each; a reply
// goes out through the number of its conversation; switching one off leaves the other connected.
func TestWhatsAppSeveralNumbersPerTenant(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	const jidA, jidB = "4915111111111@s.whatsapp.net", "4915122222222@s.whatsapp.net"
	a := e.ConnectWhatsApp(acct.Token, fake, jidA) // the seed's flow: the default number
	b := e.CreateWhatsAppChannel(acct.Token, "Sales")
	path := func(id uuid.UUID, what string) string { return "/api/channels/" + id.String() + "/whatsapp/" + what }

	if st := e.ChannelWhatsAppStatus(acct.Token, b); st.Status != "DISCONNECTED" || *st.ChannelID != b.String() {
		t.Fatalf("new number's status %+v", st)
	}
	if r := e.Do("GET", path(b, "qr.png"), acct.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("qr.png without a code: %d", r.Status)
	}
	var connected testkit.WhatsAppState
	e.Must(http.StatusOK, "POST", path(b, "connect"), acct.Token, nil, &connected)
	if *connected.ChannelID != b.String() || connected.Status != "CONNECTING" && connected.Status != "WAITING_QR" {
		t.Fatalf("connect answered %+v", connected)
	}
	st := e.WaitChannelWhatsAppStatus(acct.Token, b, "WAITING_QR", 5*time.Second)
	if st.QR == nil || st.QR.ChannelID != b.String() {
		t.Fatalf("waiting number's status %+v", st)
	}
	if r := e.Do("GET", path(b, "qr.png"), acct.Token, nil); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	testkit.Eventually(t, 5*time.Second, "a qr event of the second number", func() bool {
		for _, f := range ws.Frames("qr") {
			var q struct {
				ChannelID string `json:"channelId"`
			}
			if json.Unmarshal(f.Data, &q) == nil && q.ChannelID == b.String() {
				return true
			}
		}
		return false
	})
	// The default number is untouched: the seed's routes still show it.
	if def := e.WhatsAppStatus(acct.Token); def.Status != "CONNECTED" || *def.ChannelID != a.String() || *def.JID != jidA {
		t.Fatalf("default number while the second pairs: %+v", def)
	}
	// Connecting twice is connecting once.
	opens, _, qrs := fake.Counts(b)
	e.Must(http.StatusOK, "POST", path(b, "connect"), acct.Token, nil, nil)
	if o, _, q := fake.Counts(b); o != opens || q != qrs {
		t.Fatalf("a second connect opened %d clients and showed %d codes", o-opens, q-qrs)
	}
	if err := fake.Pair(b, jidB); err != nil {
		t.Fatal(err)
	}
	stB := e.WaitChannelWhatsAppStatus(acct.Token, b, "CONNECTED", 5*time.Second)
	stA := e.ChannelWhatsAppStatus(acct.Token, a)
	if *stB.JID != jidB || stA.Status != "CONNECTED" || *stA.JID != jidA {
		t.Fatalf("two numbers: A %+v, B %+v", stA, stB)
	}
	// The session state is saved after the status changes (in order, off the session's mailbox): poll.
	testkit.Eventually(t, 5*time.Second, "one linked device per number in the channels' metadata", func() bool {
		var devices int
		err := e.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT count(DISTINCT metadata->'whatsapp'->>'deviceJid') FROM channels
			WHERE channel_id IN ($1, $2)`, a, b).Scan(&devices)
		return err == nil && devices == 2
	})
	var leases int
	if err := e.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT count(*) FROM session_leases WHERE channel_id IN ($1, $2) AND expires_at > now()`, a, b).Scan(&leases); err != nil || leases != 2 {
		t.Fatalf("%d live leases (%v), want one per number", leases, err)
	}

	// Ada writes to both numbers: one chat on each.
	if !deliver(t, fake, a, waText("A-1", ada, "Ada", "hello A")) || !deliver(t, fake, b, waText("B-1", ada, "Ada", "hello B")) {
		t.Fatal("not acknowledged")
	}
	chatOf := map[string]string{}
	testkit.Eventually(t, 5*time.Second, "a chat on each number", func() bool {
		var list struct {
			Data []conversation `json:"data"`
		}
		e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, &list)
		for _, c := range list.Data {
			chatOf[c.ChannelID] = c.ChatID
		}
		return chatOf[a.String()] != "" && chatOf[b.String()] != ""
	})
	sentOn := func(id string) uuid.UUID {
		var found uuid.UUID
		testkit.Eventually(t, 5*time.Second, "the send "+id, func() bool {
			for _, s := range fake.Sent() {
				if s.ID == id && s.Err == nil {
					found = s.ChannelID
					return true
				}
			}
			return false
		})
		return found
	}
	for _, ch := range []uuid.UUID{b, a} {
		var sent struct {
			Message struct {
				PlatformMessageID string `json:"platformMessageId"`
			} `json:"message"`
		}
		e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatOf[ch.String()]+"/send", acct.Token, map[string]any{"content": "reply"}, &sent)
		if got := sentOn(sent.Message.PlatformMessageID); got != ch {
			t.Fatalf("the reply in %s's chat went out through %s", ch, got)
		}
	}
	// A send to a phone number picks its number with channelId.
	var viaB struct {
		Message struct {
			PlatformMessageID string `json:"platformMessageId"`
		} `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"channelId": b, "to": "+44 7700 900123", "content": "hi"}, &viaB)
	if got := sentOn(viaB.Message.PlatformMessageID); got != b {
		t.Fatalf("send with channelId went out through %s", got)
	}

	// Switching the second number off leaves the first connected.
	before := len(statuses(ws))
	var off testkit.WhatsAppState
	e.Must(http.StatusOK, "POST", path(b, "disconnect"), acct.Token, nil, &off)
	if off.Status != "DISCONNECTED" || fake.Connected(b) || !fake.Connected(a) {
		t.Fatalf("after disconnecting B: %+v, B connected %v, A connected %v", off, fake.Connected(b), fake.Connected(a))
	}
	if st := e.ChannelWhatsAppStatus(acct.Token, a); st.Status != "CONNECTED" {
		t.Fatalf("A after B was switched off: %+v", st)
	}
	testkit.Eventually(t, 5*time.Second, "B's DISCONNECTED on the WebSocket, with its channelId", func() bool {
		for _, s := range statuses(ws) {
			if s.ChannelID == b.String() && s.Status == "DISCONNECTED" {
				return true
			}
		}
		return false
	})
	for _, s := range statuses(ws)[before:] {
		if s.ChannelID == a.String() {
			t.Fatalf("A's status changed to %s when B was switched off", s.Status)
		}
	}
}

// TestWhatsAppNumberRoutesCheckRolesAndChannels: the per-number routes refuse agents' changes, other
// tenants' channels, channels of other platforms, inactive channels and malformed ids, in the one envelope.
func TestWhatsAppNumberRoutesCheckRolesAndChannels(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	other := e.SignUp()
	agent := e.AddUser(acct.Token, "AGENT")
	b := e.CreateWhatsAppChannel(acct.Token, "Support")
	api := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	path := func(id, what string) string { return "/api/channels/" + id + "/whatsapp/" + what }

	for _, what := range []string{"connect", "disconnect", "logout"} {
		if r := e.Do("POST", path(b.String(), what), agent.Token, nil); r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
			t.Errorf("agent %s: %d %s", what, r.Status, r.ErrorCode())
		}
	}
	if r := e.Do("POST", path(b.String(), "pair-phone"), agent.Token, map[string]any{"phone": "+49 151 12345678"}); r.Status != http.StatusForbidden {
		t.Errorf("agent pair-phone: %d", r.Status)
	}
	if st := e.ChannelWhatsAppStatus(agent.Token, b); st.Status != "DISCONNECTED" {
		t.Errorf("agent reads the status: %+v", st)
	}
	cases := []struct {
		method, path, token string
		body                any
		status              int
		code                string
	}{
		{"POST", path(b.String(), "connect"), other.Token, nil, http.StatusNotFound, "not_found"},
		{"GET", path(b.String(), "status"), other.Token, nil, http.StatusNotFound, "not_found"},
		{"GET", path(b.String(), "qr.png"), other.Token, nil, http.StatusNotFound, "not_found"},
		{"POST", path(uuid.NewString(), "connect"), acct.Token, nil, http.StatusNotFound, "not_found"},
		{"POST", path("not-a-uuid", "connect"), acct.Token, nil, http.StatusBadRequest, "validation_failed"},
		{"POST", path(api.ID, "connect"), acct.Token, nil, http.StatusConflict, "conflict"},
		{"GET", path(api.ID, "status"), acct.Token, nil, http.StatusConflict, "conflict"},
		{"POST", path(b.String(), "pair-phone"), acct.Token, map[string]any{"phone": "12"}, http.StatusBadRequest, "validation_failed"},
		{"POST", path(b.String(), "pair-phone"), acct.Token, map[string]any{"phone": "+49 151 12345678", "channelId": b}, http.StatusBadRequest, "validation_failed"},
		{"POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"channelId": api.ID, "to": "+15551234567", "content": "x"}, http.StatusBadRequest, "validation_failed"},
	}
	for _, c := range cases {
		if r := e.Do(c.method, c.path, c.token, c.body); r.Status != c.status || r.ErrorCode() != c.code {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, r.Status, r.ErrorCode(), c.status, c.code)
		}
	}
	// An inactive number cannot be switched on; once active again it can.
	e.Must(http.StatusOK, "PUT", "/api/channels/"+b.String(), acct.Token, map[string]any{"isActive": false}, nil)
	if r := e.Do("POST", path(b.String(), "connect"), acct.Token, nil); r.Status != http.StatusConflict {
		t.Fatalf("connect an inactive number: %d", r.Status)
	}
	e.Must(http.StatusOK, "PUT", "/api/channels/"+b.String(), acct.Token, map[string]any{"isActive": true}, nil)
	e.ConnectWhatsAppChannel(acct.Token, fake, b, "4915133333333@s.whatsapp.net")
	// The first WhatsApp channel is the default one: the seed's routes act on it.
	if st := e.WhatsAppStatus(acct.Token); st.Status != "CONNECTED" || *st.ChannelID != b.String() {
		t.Fatalf("default number: %+v", st)
	}
	var lo testkit.WhatsAppState
	e.Must(http.StatusOK, "POST", path(b.String(), "logout"), acct.Token, nil, &lo)
	if lo.Status != "LOGGED_OUT" || fake.Device(b) != "" {
		t.Fatalf("logout: %+v, device %q", lo, fake.Device(b))
	}
}
