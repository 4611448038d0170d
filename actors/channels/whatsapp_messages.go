package channels

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// channelMeta is what a WhatsApp session keeps in its channel's metadata (under "whatsapp"), so that any
// node can restore it: whether it should run, whether a device is stored, and the last status.
type channelMeta struct {
	Status      string `json:"status"`
	AutoConnect bool   `json:"autoConnect"`
	HasDevice   bool   `json:"hasDevice"`
	JID         string `json:"jid,omitempty"`
	// DeviceJID is the linked device's own JID (number:device@server), the key of its whatsmeow store.
	DeviceJID  string     `json:"deviceJid,omitempty"`
	LastError  string     `json:"lastError,omitempty"`
	LastSeenAt *time.Time `json:"lastSeenAt,omitempty"`
	// History is the progress of the history import, kept across restarts.
	History *ops.WhatsAppHistory `json:"history,omitempty"`
}

// Messages of the WhatsApp session actor (local to one node).
type (
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
		// uploaded is the file this attempt uploaded, kept for the message's retries.
		uploaded *sessions.WAMedia
	}
	// waSendNext resumes the outbox after pacing or a retry pause.
	waSendNext struct{}
	// waStarted reports the read of the channel at start.
	waStarted struct {
		ch  persistence.Channel
		err error
	}
	// waPendingLoaded reports the read of the channel's PENDING messages.
	waPendingLoaded struct {
		pending []persistence.PendingOutbound
		actions []persistence.PendingAction
		err     error
	}
	// waLogoutDone reports a logout.
	waLogoutDone struct {
		req *WALogout
		err error
	}
)

// Messages from a WhatsApp session to its tenant.
type (
	// SessionLive tells the tenant whether a session must keep running (the tenant then stays active).
	SessionLive struct {
		ChannelID uuid.UUID
		PID       *actor.PID
		Live      bool
	}
	// WAUpdateIn asks the tenant to apply a customer's (or the phone's) reaction, edit or revoke to the
	// message of Chat it names; ReplyTo gets the reply once it is committed (or found nothing to change).
	WAUpdateIn struct {
		ChannelID uuid.UUID
		Chat      string
		FromMe    bool
		Update    sessions.WAUpdate
		At        time.Time
		ReplyTo   *actor.PID
	}
	// WAInbound asks the tenant to store a message; replyTo gets the reply once it is committed.
	WAInbound struct {
		ChannelID uuid.UUID
		Input     ops.InboundInput
		ReplyTo   *actor.PID
	}
)

// Operations of the API on the tenant's WhatsApp session, handed over by the tenant; each is answered
// through Done (safe to call from any goroutine), typed as its op in package ops declares.
type (
	// WAStatus asks for the session's status, with the current QR code.
	WAStatus struct {
		Done func(ops.WhatsAppStatus, error)
	}
	// WAToggle switches the session on or off.
	WAToggle struct{ Done func(ops.ToggleResult, error) }
	// WAConnect switches the session on (On) or off; a session already so is left as it is.
	WAConnect struct {
		On   bool
		Done func(ops.WhatsAppStatus, error)
	}
	// WAPairPhone asks for a pairing code for a phone number.
	WAPairPhone struct {
		Phone string
		Done  func(ops.PairPhoneResult, error)
	}
	// WALogout unlinks the device.
	WALogout struct {
		Done func(ops.WhatsAppStatus, error)
	}
)
