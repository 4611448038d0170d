package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// channelStatusEvent is the data of a channel.status delivery.
type channelStatusEvent struct {
	Event string `json:"event"`
	Data  struct {
		ChannelID string `json:"channelId"`
		Channel   struct {
			ChannelID    string `json:"channelId"`
			PlatformType string `json:"platformType"`
			IsActive     bool   `json:"isActive"`
			Connection   *struct {
				Status    string  `json:"status"`
				LastError *string `json:"lastError"`
				JID       *string `json:"jid"`
			} `json:"connection"`
		} `json:"channel"`
	} `json:"data"`
}

// TestChannelStatusWebhooksFollowWhatsAppStates: every connection state a WhatsApp number goes through
// (connecting, QR needed, connected, dropped, connected again, logged out) reaches an endpoint subscribed
// to channel.status, signed, in order, each with the state it had then; WebSocket clients hear the same
// states as connection_status.
func TestChannelStatusWebhooksFollowWhatsAppStates(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	hook := createWebhook(t, e, acct.Token, map[string]any{"url": recv.URL, "events": []string{"channel.status"}})
	recv.SetSecret(hook.Secret)
	ws := e.DialWS(acct.Token)

	const jid = "4915112345678@s.whatsapp.net"
	channelID := e.ConnectWhatsApp(acct.Token, fake, jid)
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	waitStatusFrame(t, ws, "ERROR")
	e.WaitWhatsAppStatus(acct.Token, "CONNECTED", 10*time.Second)
	if err := fake.RemoteLogout(channelID); err != nil {
		t.Fatal(err)
	}
	e.WaitWhatsAppStatus(acct.Token, "LOGGED_OUT", 5*time.Second)

	want := []string{"CONNECTING", "WAITING_QR", "CONNECTED", "ERROR", "CONNECTING", "CONNECTED", "LOGGED_OUT"}
	var got []string
	var events []channelStatusEvent
	testkit.Eventually(t, 10*time.Second, "channel.status deliveries up to LOGGED_OUT", func() bool {
		got, events = nil, nil
		for _, d := range recv.Deliveries() {
			if !d.Valid {
				t.Fatalf("delivery not signed with the endpoint's secret: %s", d.Body)
			}
			var ev channelStatusEvent
			if err := json.Unmarshal(d.Body, &ev); err != nil {
				t.Fatal(err)
			}
			events = append(events, ev)
			if c := ev.Data.Channel.Connection; c != nil && (len(got) == 0 || got[len(got)-1] != c.Status) {
				got = append(got, c.Status)
			}
		}
		return len(got) > 0 && got[len(got)-1] == "LOGGED_OUT"
	})
	if !slices.Equal(got, want) {
		t.Fatalf("channel.status states %v, want %v", got, want)
	}
	for _, ev := range events {
		c := ev.Data.Channel
		if !c.IsActive || ev.Event != "channel.status" || ev.Data.ChannelID != channelID.String() || c.ChannelID != channelID.String() ||
			c.PlatformType != "WHATSAPP" || c.Connection == nil {
			t.Fatalf("delivery %+v", ev)
		}
		switch c.Connection.Status {
		case "CONNECTED":
			if c.Connection.JID == nil || *c.Connection.JID != jid || c.Connection.LastError != nil {
				t.Fatalf("CONNECTED delivery %+v", c.Connection)
			}
		case "ERROR", "LOGGED_OUT":
			if c.Connection.LastError == nil {
				t.Fatalf("%s delivery without lastError", c.Connection.Status)
			}
		}
	}
	// Turning the channel off is a channel.status too, with the connection as it is.
	e.Must(http.StatusOK, "PUT", "/api/channels/"+channelID.String(), acct.Token, map[string]any{"isActive": false}, nil)
	testkit.Eventually(t, 10*time.Second, "channel.status with isActive false", func() bool {
		for _, d := range recv.Deliveries() {
			var ev channelStatusEvent
			if json.Unmarshal(d.Body, &ev) == nil && !ev.Data.Channel.IsActive {
				if c := ev.Data.Channel.Connection; c == nil || c.Status != "LOGGED_OUT" {
					t.Fatalf("isActive false delivery %+v", ev.Data.Channel)
				}
				return true
			}
		}
		return false
	})
	// The same states reached the WebSocket, in the same order.
	var frames []string
	for _, st := range statuses(ws) {
		if len(frames) == 0 || frames[len(frames)-1] != st.Status {
			frames = append(frames, st.Status)
		}
	}
	if !slices.Equal(frames, want) {
		t.Fatalf("connection_status frames %v, want %v", frames, want)
	}
}
