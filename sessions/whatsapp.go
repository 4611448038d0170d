package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// WhatsAppFactory opens WhatsApp connections. The real one (NewWhatsmeowFactory) runs whatsmeow with its
// device store in the tenant's database; tests use FakeWhatsApp.
type WhatsAppFactory interface {
	// Open prepares the client of one channel. It does not connect; events start once Connect is called.
	Open(ctx context.Context, req WAOpenRequest) (WhatsAppClient, error)
}

// WAOpenRequest is what a factory needs to open one channel's client.
type WAOpenRequest struct {
	ChannelID uuid.UUID
	// DB is the tenant's pool: the device store lives in the tenant database, never in local files.
	DB *pgxpool.Pool
	// JID is the device stored for this channel by an earlier pairing ("" for a new device): its own JID
	// (number:device@server), which is what WAPaired and WAConnected report as Device. A bare number JID
	// (what sessions stored before devices were told apart) finds that number's device when there is one.
	JID string
	// OnEvent receives the connection's events. It is called on the client's own goroutines and must not
	// block: hand the event to a mailbox. A WAMessage must be answered with Done once it is committed.
	OnEvent func(WhatsAppEvent)
	Log     *slog.Logger
	// HistoryDays is how many days of history to import at pairing (AEZEN_WHATSAPP_HISTORY_DAYS; 0: none).
	HistoryDays int
}

// WhatsAppClient is one channel's WhatsApp connection, in the engine's own terms (no whatsmeow types).
// Chat and sender addresses are JIDs in their string form ("15551234567@s.whatsapp.net").
type WhatsAppClient interface {
	// Connect opens the connection and returns once it is up (events then report QR codes or the login)
	// or has failed; it never hangs: failures come back within seconds.
	Connect() error
	// Disconnect closes the connection; the stored device stays, so the next Connect needs no QR.
	Disconnect()
	// Logout unlinks the device from the phone (when connected) and deletes it from the store.
	Logout(ctx context.Context) error
	// PairPhone asks for a pairing code for a phone number (international format); the connection must be
	// up and waiting for a QR scan.
	PairPhone(ctx context.Context, phone string) (string, error)
	// SendText sends a text with the message id chosen before the send, so that a retried send carries the
	// same id and the recipient's phone drops the repeat; quote (nil for none) makes it a reply.
	SendText(ctx context.Context, to, id, text string, quote *WAQuote) error
	// SendAction reacts to, edits or revokes a message of the chat to (see WAAction).
	SendAction(ctx context.Context, to string, a WAAction) error
	// UploadMedia encrypts and uploads the file r yields for a message of kind (IMAGE, VIDEO, AUDIO, FILE or
	// STICKER), streaming (never the whole file in memory), and describes the upload for SendMedia.
	UploadMedia(ctx context.Context, kind string, r io.Reader) (*WAMedia, error)
	// SendMedia sends an uploaded file as a message of its kind, with the id chosen before the send.
	SendMedia(ctx context.Context, to, id string, m WAOutMedia) error
	// DownloadMedia downloads and decrypts a received attachment into dst (a temporary file, so that no file
	// is whole in memory). A file WhatsApp's servers no longer have fails with ErrWAMediaExpired.
	DownloadMedia(ctx context.Context, m *WAMedia, dst *os.File) error
	// RequestMediaRetry asks the phone that sent message id to upload its expired attachment again; the
	// answer arrives as a WAMediaRetry event.
	RequestMediaRetry(ctx context.Context, chat, sender, id string, mediaKey []byte) error
	// MarkRead sends read receipts for messages of one chat (sender is needed in groups only).
	MarkRead(ctx context.Context, chat, sender string, ids []string, at time.Time) error
	// SetTyping shows (on) or hides the typing indicator in a chat.
	SetTyping(ctx context.Context, chat string, on bool) error
	// IsOnWhatsApp reports whether a phone-number JID has a WhatsApp account; the connection must be up
	// (ErrWANotConnected otherwise). WhatsApp watches these lookups: callers cache the answers.
	IsOnWhatsApp(ctx context.Context, jid string) (bool, error)
	// ProfilePicture fetches a person's profile picture unless WhatsApp's id of it is still knownID (then
	// nil); a person without a visible picture is a WAPicture with ID "". The connection must be up.
	ProfilePicture(ctx context.Context, jid, knownID string) (*WAPicture, error)
	// SubscribePresence asks WhatsApp for a person's online state (WAPresence events follow).
	SubscribePresence(ctx context.Context, jid string) error
	// HasDevice reports whether a paired device is stored, so that Connect logs in without a QR code.
	HasDevice() bool
	// JID is the paired device's own JID, or "".
	JID() string
	// Close disconnects and releases the client; no event is delivered afterwards.
	Close()
}

// WhatsAppEvent is an event of a WhatsApp connection: one of the WA* types below.
type WhatsAppEvent interface{ whatsAppEvent() }

// WAQRCode is a new pairing code to show as a QR image until ExpiresAt.
type WAQRCode struct {
	Code      string
	ExpiresAt time.Time
}

// WAQRTimeout says the codes ran out before one was scanned; the connection is closed.
type WAQRTimeout struct{}

// WAPaired says a phone scanned the code (or entered the pairing code) and the device is now stored.
type WAPaired struct {
	JID          string
	Device       string // the device's own JID (number:device@server), what WAOpenRequest.JID should name later
	BusinessName string
	Platform     string
}

// WAPairError says the phone scanned the code but pairing failed.
type WAPairError struct{ Reason string }

// WAConnected says the connection is up and logged in as JID.
type WAConnected struct {
	JID      string
	Device   string // the device's own JID, with its device number
	Phone    string
	PushName string
}

// WADisconnected is a temporary loss of the connection; reconnecting is worth it.
type WADisconnected struct{ Reason string }

// WALoggedOut says the phone unlinked this device (or WhatsApp did); the stored device is gone.
type WALoggedOut struct{ Reason string }

// WABanned says WhatsApp refuses the account for a while.
type WABanned struct {
	Reason string
	Expire time.Duration
}

// WAOutdated says WhatsApp rejected this client's version (405).
type WAOutdated struct{}

// WAStreamReplaced says another client connected with the same device and took over.
type WAStreamReplaced struct{}

// WAConnectFailure is a refusal by WhatsApp with a reason code; Temporary ones are worth a retry.
type WAConnectFailure struct {
	Code      int
	Reason    string
	Temporary bool
}

// WAReceipt says messages we sent were delivered or read (Status is DELIVERED or READ).
type WAReceipt struct {
	Chat      string
	Sender    string
	IDs       []string
	Status    string
	Timestamp time.Time
}

// WAPushName says a contact's display name changed.
type WAPushName struct {
	JID  string
	Name string
}

// WAMessage is a customer's message, or (FromMe) one the business sent from the phone or another linked
// device, filed under its recipient's Chat. The client acknowledges it to WhatsApp only after Done(true); until
// then (or after Done(false)) WhatsApp keeps it and delivers it again on the next connection.
type WAMessage struct {
	ID     string
	Chat   string // the customer's JID (a phone-number JID when WhatsApp tells us one)
	Sender string
	FromMe bool
	// LID is the person's other address when Chat is their phone-number JID and WhatsApp (or the LID store)
	// told us their LID: the engine merges a customer filed under it into the one of Chat.
	LID       string
	PushName  string
	Timestamp time.Time
	// ContentType is one of the engine's content types (TEXT, IMAGE, VIDEO, AUDIO, FILE, LOCATION, STICKER).
	ContentType string
	// Text is the text, or the caption of a media message.
	Text  string
	Media *WAMedia
	// Update, when set, makes this a change to an earlier message (a reaction, an edit or a revoke) rather
	// than a message of its own; ContentType and Text are then empty.
	Update *WAUpdate
	// QuotedID is the WhatsApp id of the message this one replies to (ContextInfo.StanzaID), or "".
	QuotedID string
	// Location and Contacts are a LOCATION message's coordinates and a contact card's people (Text then
	// says the same in words).
	Location *WALocation
	Contacts []WAContact
	// History marks a message of WhatsApp's history import (WAHistory): stored read, without reopening its
	// chat or counting as new.
	History bool
	// ack, set by the client, receives the commit result.
	ack func(committed bool)
}

// WAQuote is the message a reply quotes: its WhatsApp id, whether the business sent it (else the customer
// of the chat did), and its text as the quote shows it.
type WAQuote struct {
	ID     string
	FromMe bool
	Text   string
}

// Kinds of WAAction and WAUpdate.
const (
	WAReaction = "REACTION"
	WAEdit     = "EDIT"
	WARevoke   = "REVOKE"
)

// WAAction is a change the business makes to a message it can name: a reaction (Value the emoji, "" takes
// it back) to any message of the chat, an edit (Value the new text) or a revoke of its own message.
type WAAction struct {
	Kind string
	// TargetID is the message's WhatsApp id; TargetFromMe says the business sent it.
	TargetID     string
	TargetFromMe bool
	Value        string
}

// WAUpdate is a change the customer (or, on a FromMe message, the business's phone) made to an earlier
// message of the chat: a reaction (Emoji, "" when taken back), an edit (Text) or a revoke.
type WAUpdate struct {
	Kind     string
	TargetID string
	Emoji    string
	Text     string
}

// WAMedia describes an attachment without downloading it: what whatsmeow's DownloadMediaWithPath needs.
type WAMedia struct {
	MimeType      string `json:"mimetype"`
	FileName      string `json:"fileName,omitempty"`
	FileLength    uint64 `json:"fileLength"`
	URL           string `json:"url,omitempty"`
	DirectPath    string `json:"directPath"`
	MediaKey      []byte `json:"mediaKey"`
	FileSHA256    []byte `json:"fileSha256"`
	FileEncSHA256 []byte `json:"fileEncSha256"`
	// MediaType names the key-derivation info ("WhatsApp Image Keys", ...).
	MediaType string `json:"mediaType"`
}

// OnDone sets what Done calls. A WhatsAppClient sets it before handing the message to the engine (the
// whatsmeow client here; the test kit's fake WhatsApp from outside the package).
func (m *WAMessage) OnDone(ack func(committed bool)) { m.ack = ack }

// Done tells the client whether the message is committed; only a committed message is acknowledged.
func (m *WAMessage) Done(committed bool) {
	if m.ack != nil {
		m.ack(committed)
	}
}

// Metadata is the message's stored metadata: the media description, if any, and the history mark.
func (m *WAMessage) Metadata() json.RawMessage {
	meta, wa := map[string]any{}, map[string]any{}
	if m.Media != nil {
		wa["media"] = m.Media
	}
	if m.History {
		wa["history"] = true
	}
	if len(wa) > 0 {
		meta["whatsapp"] = wa
	}
	// Structured content, platform-neutral keys that the message view shows as location and contacts.
	if m.Location != nil {
		meta["location"] = m.Location
	}
	if len(m.Contacts) > 0 {
		meta["contacts"] = m.Contacts
	}
	if len(meta) == 0 {
		return nil
	}
	b, _ := json.Marshal(meta)
	return b
}

// WALocation is a shared location: coordinates, and the place's name and address when the sender picked one.
type WALocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// WAContact is a shared contact card: the name shown and its phone numbers (from its vCard).
type WAContact struct {
	Name   string   `json:"name"`
	Phones []string `json:"phones"`
}

func (WAQRCode) whatsAppEvent()         {}
func (WAQRTimeout) whatsAppEvent()      {}
func (WAPaired) whatsAppEvent()         {}
func (WAPairError) whatsAppEvent()      {}
func (WAConnected) whatsAppEvent()      {}
func (WADisconnected) whatsAppEvent()   {}
func (WALoggedOut) whatsAppEvent()      {}
func (WABanned) whatsAppEvent()         {}
func (WAOutdated) whatsAppEvent()       {}
func (WAStreamReplaced) whatsAppEvent() {}
func (WAConnectFailure) whatsAppEvent() {}
func (WAReceipt) whatsAppEvent()        {}
func (WAPushName) whatsAppEvent()       {}
func (*WAMessage) whatsAppEvent()       {}
func (WAMediaRetry) whatsAppEvent()     {}

// Errors of WhatsApp clients.
var (
	// ErrWANotConnected is returned by operations that need a live connection.
	ErrWANotConnected = errors.New("whatsapp is not connected")
	// ErrWABadRecipient is a recipient that is not a WhatsApp address; retrying cannot help.
	ErrWABadRecipient = errors.New("recipient is not a WhatsApp number")
	// ErrWANotOnWhatsApp is a phone number without a WhatsApp account (a bad recipient: never retried).
	ErrWANotOnWhatsApp = fmt.Errorf("not_on_whatsapp: this phone number has no WhatsApp account (%w)", ErrWABadRecipient)
)

// WhatsAppJID turns a phone number in any common notation (+1 555-123 4567) into its WhatsApp JID, or ""
// when it is not a plausible international number.
func WhatsAppJID(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	digits := b.String()
	if len(digits) < 7 || len(digits) > 15 || strings.HasPrefix(digits, "0") {
		return ""
	}
	return digits + "@s.whatsapp.net"
}

// WhatsAppPhone is the phone number (+digits) of a phone-number JID, or "" for other JIDs.
func WhatsAppPhone(jid string) string {
	user, server, ok := strings.Cut(jid, "@")
	if !ok || server != "s.whatsapp.net" {
		return ""
	}
	user, _, _ = strings.Cut(user, ":")
	user, _, _ = strings.Cut(user, ".")
	if user == "" {
		return ""
	}
	return "+" + user
}
