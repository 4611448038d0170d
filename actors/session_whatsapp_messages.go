package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// WhatsApp operations: tenant actor operations, since they touch the state of the tenant's session actor.
const (
	OpWhatsAppToggle    = "whatsapp.toggle"
	OpWhatsAppStatus    = "whatsapp.status"
	OpWhatsAppPairPhone = "whatsapp.pair_phone"
	OpWhatsAppLogout    = "whatsapp.logout"
	OpWhatsAppSend      = "whatsapp.send"
)

// opWhatsAppInbound names the internal request that stores a message WhatsApp delivered.
const opWhatsAppInbound = "whatsapp.inbound"

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
	Phone string `json:"phone" validate:"required,min=7,max=32"`
}

// PairPhoneResult answers OpWhatsAppPairPhone: the code to enter on the phone.
type PairPhoneResult struct {
	Code string `json:"code"`
}

// WhatsAppSendInput is the payload of OpWhatsAppSend: a text to a phone number.
type WhatsAppSendInput struct {
	To             string `json:"to" validate:"required,max=32"`
	Content        string `json:"content" validate:"required,max=65536"`
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
}

// channelMeta is what a WhatsApp session keeps in its channel's metadata (under "whatsapp"), so that any
// node can restore it: whether it should run, whether a device is stored, and the last status.
type channelMeta struct {
	Status      string     `json:"status"`
	AutoConnect bool       `json:"autoConnect"`
	HasDevice   bool       `json:"hasDevice"`
	JID         string     `json:"jid,omitempty"`
	LastError   string     `json:"lastError,omitempty"`
	LastSeenAt  *time.Time `json:"lastSeenAt,omitempty"`
}

// Messages of the WhatsApp session actor (local to one node).
type (
	// waRequest is an operation from the API, answered by the session to sender.
	waRequest struct {
		op     string
		cmd    *Command
		input  any
		sender *actor.PID
	}
	// waEvent is an event of the client numbered client (events of a closed client are dropped).
	waEvent struct {
		client uint64
		ev     sessions.WhatsAppEvent
	}
	// waOpened reports the lease and the client of connection attempt gen.
	waOpened struct {
		gen      uint64
		client   sessions.WhatsAppClient
		clientID uint64
		leased   bool
		lease    persistence.Lease
		err      error
	}
	// waConnectDone reports the end of a Connect call of attempt gen.
	waConnectDone struct {
		gen uint64
		err error
	}
	// waRetry starts reconnect attempt gen when it is still the current one.
	waRetry struct{ gen uint64 }
	// waLeaseTick asks the session to renew lease number seq.
	waLeaseTick struct{ seq uint64 }
	// waLeaseRenewed reports a renewal.
	waLeaseRenewed struct {
		seq uint64
		ok  bool
		err error
	}
	// waSendDone reports one send attempt.
	waSendDone struct {
		msg sessions.Outbound
		err error
	}
	// waSendNext resumes the outbox after pacing or a retry pause.
	waSendNext struct{}
	// waLogoutDone reports a logout.
	waLogoutDone struct {
		req *waRequest
		err error
	}
)

// Messages from a WhatsApp session to its tenant.
type (
	// sessionLive tells the tenant whether a session must keep running (the tenant then stays active).
	sessionLive struct {
		channelID uuid.UUID
		pid       *actor.PID
		live      bool
	}
	// waInbound asks the tenant to store a message; replyTo gets the reply once it is committed.
	waInbound struct {
		channelID uuid.UUID
		input     InboundInput
		replyTo   *actor.PID
	}
	// restoreWhatsApp lists the channels whose sessions must reconnect after activation.
	restoreWhatsApp struct {
		channels []uuid.UUID
	}
)
