package sessions_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

// TestWhatsmeowOpensEachChannelsOwnDevice: the channels of a tenant share its whatsmeow store, one device
// each, found by the device's own JID (number:device@server); a bare number JID, as sessions stored it
// before, still finds the number's only device; a device that is not stored opens as a new one.
func TestWhatsmeowOpensEachChannelsOwnDevice(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	pool := e.TenantDB(acct.TenantID)
	ctx := t.Context()
	container := sqlstore.NewWithDB(stdlib.OpenDBFromPool(pool), "postgres", nil)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"4915112345678:7@s.whatsapp.net", "4915199999999:3@s.whatsapp.net", "4915177777777:2@s.whatsapp.net", "4915177777777:5@s.whatsapp.net"} {
		jid, _ := types.ParseJID(raw)
		dev := container.NewDevice()
		dev.ID = &jid
		dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
			AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
		if err := container.PutDevice(ctx, dev); err != nil {
			t.Fatal(err)
		}
	}
	factory := sessions.NewWhatsmeowFactory(slog.New(slog.NewTextHandler(io.Discard, nil)))
	open := func(jid string) (sessions.WhatsAppClient, error) {
		c, err := factory.Open(ctx, sessions.WAOpenRequest{ChannelID: uuid.New(), DB: pool, JID: jid})
		if c != nil {
			t.Cleanup(c.Close)
		}
		return c, err
	}
	for jid, want := range map[string]string{
		"4915112345678:7@s.whatsapp.net": "4915112345678@s.whatsapp.net", // the device's own JID
		"4915199999999@s.whatsapp.net":   "4915199999999@s.whatsapp.net", // a bare number JID: its only device
		"4915112345678:8@s.whatsapp.net": "",                             // not stored: a new device (QR code)
		"":                               "",
	} {
		c, err := open(jid)
		if err != nil {
			t.Fatalf("open %q: %v", jid, err)
		}
		if c.JID() != want || c.HasDevice() != (want != "") {
			t.Errorf("open %q: device %q (has %v), want %q", jid, c.JID(), c.HasDevice(), want)
		}
	}
	if _, err := open("4915177777777@s.whatsapp.net"); err == nil || !strings.Contains(err.Error(), "several devices") {
		t.Fatalf("a bare JID with two stored devices: %v", err)
	}
}
