package ops

import (
	"time"

	"github.com/google/uuid"
)

// WhatsApp operations: tenant actor operations, since they touch the state of a channel's session actor.
// Each names its WhatsApp channel (WhatsAppTarget); uuid.Nil names the tenant's default one, which is what
// /api/integrations/whatsapp/* acts on (the oldest WhatsApp channel, created by the first connect).
var (
	OpWhatsAppToggle     = Declare[WhatsAppTarget, ToggleResult]("whatsapp.toggle")
	OpWhatsAppConnect    = Declare[WhatsAppTarget, WhatsAppStatus]("whatsapp.connect")
	OpWhatsAppDisconnect = Declare[WhatsAppTarget, WhatsAppStatus]("whatsapp.disconnect")
	OpWhatsAppStatus     = Declare[WhatsAppTarget, WhatsAppStatus]("whatsapp.status")
	OpWhatsAppPairPhone  = Declare[PairPhoneInput, PairPhoneResult]("whatsapp.pair_phone")
	OpWhatsAppLogout     = Declare[WhatsAppTarget, WhatsAppStatus]("whatsapp.logout")
	OpWhatsAppSend       = Declare[WhatsAppSendInput, SendResult]("whatsapp.send")
)

// WhatsAppTarget names the WhatsApp channel an operation acts on; uuid.Nil is the tenant's default one.
type WhatsAppTarget struct {
	ChannelID uuid.UUID `json:"channelId"`
}

// Statuses of a WhatsApp session. What the status says is what the connection is doing.
const (
	// WAStatusDisconnected: not running and nothing scheduled (never connected, switched off, or the QR
	// code expired unscanned).
	WAStatusDisconnected = "DISCONNECTED"
	// WAStatusConnecting: a connection attempt is under way.
	WAStatusConnecting = "CONNECTING"
	// WAStatusWaitingQR: connected to WhatsApp and waiting for the phone to scan the current QR code.
	WAStatusWaitingQR = "WAITING_QR"
	// WAStatusConnected: logged in; messages flow.
	WAStatusConnected = "CONNECTED"
	// WAStatusLoggedOut: the phone (or WhatsApp) unlinked this device; pairing again needs a new QR code.
	WAStatusLoggedOut = "LOGGED_OUT"
	// WAStatusBanned: WhatsApp refuses the account (temporary ban); no retries.
	WAStatusBanned = "BANNED"
	// WAStatusOutdated: WhatsApp rejects this client version (405); no retries until the engine is updated.
	WAStatusOutdated = "OUTDATED"
	// WAStatusError: the last attempt failed or the connection dropped. With nextRetryAt set, a reconnect
	// is scheduled; without it the failure is permanent (say, another client replaced this session).
	WAStatusError = "ERROR"
)

// WhatsAppStatus answers OpWhatsAppStatus and is the data of connection_status events.
type WhatsAppStatus struct {
	ChannelID   *uuid.UUID  `json:"channelId"`
	Status      string      `json:"status"`
	LastError   *string     `json:"lastError"`
	Reconnects  int         `json:"reconnects"`
	LastSeenAt  *time.Time  `json:"lastSeenAt"`
	JID         *string     `json:"jid"`
	NextRetryAt *time.Time  `json:"nextRetryAt,omitempty"`
	QR          *WhatsAppQR `json:"qr,omitempty"`
	// History is the import of the history WhatsApp offers a newly paired number.
	History *WhatsAppHistory `json:"history"`
}

// States of a number's history import (WhatsAppHistory.State).
const (
	// WAHistoryOff: AEZEN_WHATSAPP_HISTORY_DAYS is 0, nothing is imported.
	WAHistoryOff = "OFF"
	// WAHistoryNone: nothing to import yet (the number was not paired since history import exists).
	WAHistoryNone = "NONE"
	// WAHistoryWaiting: paired; WhatsApp has not sent history yet (it sends it within minutes, in chunks).
	WAHistoryWaiting = "WAITING"
	// WAHistoryImporting: chunks are arriving and being stored.
	WAHistoryImporting = "IMPORTING"
	// WAHistoryDone: WhatsApp reported its last chunk (progress 100) and it is stored.
	WAHistoryDone = "DONE"
)

// WhatsAppHistory is the progress of a number's history import: what was stored (imported), what was
// stored before (duplicates: WhatsApp ids already known), what could not be stored (failed), what was left
// out (skipped: older than days, groups, kinds the inbox does not show), and WhatsApp's own progress in
// percent (null until a chunk says).
type WhatsAppHistory struct {
	State      string     `json:"state"`
	Days       int        `json:"days"`
	Imported   int        `json:"imported"`
	Duplicates int        `json:"duplicates"`
	Failed     int        `json:"failed"`
	Skipped    int        `json:"skipped"`
	Chunks     int        `json:"chunks"`
	Progress   *int       `json:"progress"`
	StartedAt  *time.Time `json:"startedAt"`
	UpdatedAt  *time.Time `json:"updatedAt"`
	FinishedAt *time.Time `json:"finishedAt"`
}

// WhatsAppQR is the current pairing code; it is also the data of qr events.
type WhatsAppQR struct {
	ChannelID uuid.UUID `json:"channelId"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// ToggleResult answers OpWhatsAppToggle.
type ToggleResult struct {
	ChannelID uuid.UUID `json:"channelId"`
	Status    string    `json:"status"`
}

// PairPhoneInput is the payload of OpWhatsAppPairPhone.
type PairPhoneInput struct {
	ChannelID uuid.UUID `json:"channelId"` // uuid.Nil: the default WhatsApp channel
	Phone     string    `json:"phone" validate:"required,min=7,max=32"`
}

// PairPhoneResult answers OpWhatsAppPairPhone: the code to enter on the phone.
type PairPhoneResult struct {
	Code string `json:"code"`
}

// WhatsAppSendInput is the payload of OpWhatsAppSend: a text to a phone number.
type WhatsAppSendInput struct {
	ChannelID      uuid.UUID `json:"channelId"` // uuid.Nil: the default WhatsApp channel
	To             string    `json:"to" validate:"required,max=32"`
	Content        string    `json:"content" validate:"required,max=65536"`
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
}
