package testkit

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// whatsappFactories maps a test configuration to the WhatsApp factory its engines use. Keyed by the
// configuration, it survives a node restart on the same cfg, as a device store in the database would.
var whatsappFactories sync.Map

// UseWhatsApp makes every engine started with cfg use f (typically a fakewhatsapp.WhatsApp the test owns)
// instead of the real whatsmeow client.
func UseWhatsApp(cfg *config.Config, f sessions.WhatsAppFactory) {
	whatsappFactories.Store(cfg, f)
}

// startOptions are the engine options a test configuration asks for.
func startOptions(cfg *config.Config) []engine.Option {
	if f, ok := whatsappFactories.Load(cfg); ok {
		return []engine.Option{engine.WithWhatsApp(f.(sessions.WhatsAppFactory))}
	}
	return nil
}

// WhatsAppState is the body of GET /api/integrations/whatsapp/status.
type WhatsAppState struct {
	ChannelID   *string    `json:"channelId"`
	Status      string     `json:"status"`
	LastError   *string    `json:"lastError"`
	Reconnects  int        `json:"reconnects"`
	LastSeenAt  *time.Time `json:"lastSeenAt"`
	JID         *string    `json:"jid"`
	NextRetryAt *time.Time `json:"nextRetryAt"`
	QR          *struct {
		ChannelID string    `json:"channelId"`
		Code      string    `json:"code"`
		ExpiresAt time.Time `json:"expiresAt"`
	} `json:"qr"`
}

// WhatsAppStatus reads the tenant's WhatsApp status.
func (e *Engine) WhatsAppStatus(token string) WhatsAppState {
	e.t.Helper()
	var st WhatsAppState
	e.Must(http.StatusOK, "GET", "/api/integrations/whatsapp/status", token, nil, &st)
	return st
}

// WaitWhatsAppStatus polls the status until it is want and returns it.
func (e *Engine) WaitWhatsAppStatus(token, want string, timeout time.Duration) WhatsAppState {
	e.t.Helper()
	var st WhatsAppState
	Eventually(e.t, timeout, "WhatsApp status "+want, func() bool {
		st = e.WhatsAppStatus(token)
		return st.Status == want
	})
	return st
}

// ConnectWhatsApp toggles the tenant's WhatsApp on and plays the phone scanning the QR code with the fake;
// it returns the channel once the status is CONNECTED.
func (e *Engine) ConnectWhatsApp(token string, fake *fakewhatsapp.WhatsApp, jid string) uuid.UUID {
	e.t.Helper()
	var res struct {
		ChannelID uuid.UUID `json:"channelId"`
		Status    string    `json:"status"`
	}
	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", token, nil, &res)
	e.WaitWhatsAppStatus(token, "WAITING_QR", 5*time.Second)
	if err := fake.Pair(res.ChannelID, jid); err != nil {
		e.t.Fatal(err)
	}
	e.WaitWhatsAppStatus(token, "CONNECTED", 5*time.Second)
	return res.ChannelID
}

// TenantDB opens a pool on a tenant's own database (on the server the master database names now), for
// assertions; it is closed at cleanup.
func (e *Engine) TenantDB(tenantID string) *pgxpool.Pool {
	e.t.Helper()
	id, err := uuid.Parse(tenantID)
	if err != nil {
		e.t.Fatal(err)
	}
	tn, err := e.Deps.Master.GetTenant(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	server, err := e.Deps.Servers.Get(tn.Server)
	if err != nil {
		e.t.Fatal(err)
	}
	url, err := persistence.WithDatabase(server.URL, persistence.TenantDatabaseName(id))
	if err != nil {
		e.t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(pool.Close)
	return pool
}

// CreateWhatsAppChannel adds a WHATSAPP channel (another number of the tenant) and returns its id.
func (e *Client) CreateWhatsAppChannel(token, name string) uuid.UUID {
	e.t.Helper()
	var ch struct {
		ChannelID uuid.UUID `json:"channelId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/channels", token, map[string]any{"platformType": "WHATSAPP", "channelName": name}, &ch)
	return ch.ChannelID
}

// ChannelWhatsAppStatus reads one WhatsApp channel's status (/api/channels/:channelId/whatsapp/status).
func (e *Client) ChannelWhatsAppStatus(token string, channelID uuid.UUID) WhatsAppState {
	e.t.Helper()
	var st WhatsAppState
	e.Must(http.StatusOK, "GET", "/api/channels/"+channelID.String()+"/whatsapp/status", token, nil, &st)
	return st
}

// WaitChannelWhatsAppStatus polls one channel's status until it is want and returns it.
func (e *Client) WaitChannelWhatsAppStatus(token string, channelID uuid.UUID, want string, timeout time.Duration) WhatsAppState {
	e.t.Helper()
	var st WhatsAppState
	Eventually(e.t, timeout, "WhatsApp status "+want+" of channel "+channelID.String(), func() bool {
		st = e.ChannelWhatsAppStatus(token, channelID)
		return st.Status == want
	})
	return st
}

// ConnectWhatsAppChannel connects one WhatsApp channel through its own route and plays its phone scanning
// the QR code with the fake; it returns once the channel is CONNECTED.
func (e *Client) ConnectWhatsAppChannel(token string, fake *fakewhatsapp.WhatsApp, channelID uuid.UUID, jid string) WhatsAppState {
	e.t.Helper()
	e.Must(http.StatusOK, "POST", "/api/channels/"+channelID.String()+"/whatsapp/connect", token, nil, nil)
	e.WaitChannelWhatsAppStatus(token, channelID, "WAITING_QR", 5*time.Second)
	if err := fake.Pair(channelID, jid); err != nil {
		e.t.Fatal(err)
	}
	return e.WaitChannelWhatsAppStatus(token, channelID, "CONNECTED", 5*time.Second)
}
