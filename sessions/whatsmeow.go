package sessions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// waAckTimeout bounds how long the client's handler waits for an inbound message to commit. Past it, the
// message is left unacknowledged and WhatsApp delivers it again on the next connection.
const waAckTimeout = 60 * time.Second

// WhatsmeowFactory opens real WhatsApp connections with go.mau.fi/whatsmeow. Each client keeps its device
// in the tenant database (whatsmeow_* tables, created by sqlstore's own migrations on first use).
type WhatsmeowFactory struct {
	log  *slog.Logger
	http *http.Client // websocket and version checks: every phase of a dial is bounded

	mu          sync.RWMutex // held for writing only while store.SetWAVersion changes the global version
	versionMu   sync.Mutex
	versionOK   bool
	versionTry  time.Time
	versionWait time.Duration
}

// setOSInfo names the engine on the phone's list of linked devices; it runs once, before any client exists.
var setOSInfo sync.Once

// historyProps sets how many days of history the device asks for at pairing (whatsmeow's global device
// properties), once per process: every client of a node has the same AEZEN_WHATSAPP_HISTORY_DAYS.
var historyProps sync.Once

// waHistoryTimeout bounds how long the client waits for one history chunk to be stored.
const waHistoryTimeout = 5 * time.Minute

// WhatsmeowOption adjusts a WhatsmeowFactory.
type WhatsmeowOption func(*http.Transport)

// WithDialer opens every connection of the factory's clients (the WhatsApp websocket, version checks)
// with dial instead of a plain TCP dial to the address asked for. Tests point it at a closed loopback port
// to run the real client offline wherever they run.
func WithDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) WhatsmeowOption {
	return func(t *http.Transport) { t.DialContext = dial }
}

// NewWhatsmeowFactory creates the factory a node uses for WhatsApp channels.
func NewWhatsmeowFactory(log *slog.Logger, opts ...WhatsmeowOption) *WhatsmeowFactory {
	setOSInfo.Do(func() { store.SetOSInfo("AEZEN", [3]uint32{1, 0, 0}) })
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = 10 * time.Second
	transport.ResponseHeaderTimeout = 15 * time.Second
	for _, opt := range opts {
		opt(transport)
	}
	return &WhatsmeowFactory{log: log, http: &http.Client{Transport: transport}, versionWait: 10 * time.Minute}
}

// Open prepares the store (running whatsmeow's migrations in the tenant database) and a client for the
// channel's device, or for a new device when none is stored.
func (f *WhatsmeowFactory) Open(ctx context.Context, req WAOpenRequest) (WhatsAppClient, error) {
	log := req.Log
	if log == nil {
		log = f.log
	}
	wlog := slogLogger{l: log.With("component", "whatsmeow")}
	db := stdlib.OpenDBFromPool(req.DB)
	container := sqlstore.NewWithDB(db, "postgres", wlog.Sub("Store"))
	if err := container.Upgrade(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("preparing the whatsmeow store: %w", err)
	}
	device, err := storedDevice(ctx, container, req.JID)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("loading the stored device: %w", err)
	}
	if device == nil {
		device = container.NewDevice()
	}
	cli := whatsmeow.NewClient(device, wlog)
	// The session actor decides when to reconnect (capped backoff, permanent failures stop).
	cli.EnableAutoReconnect = false
	// Acks and delivery receipts wait for our handler, which waits for the commit (see handle).
	cli.SynchronousAck = true
	// A message left unacknowledged is decrypted again from this buffer when WhatsApp re-delivers it.
	cli.EnableDecryptedEventBuffer = true
	// History: WhatsApp offers a new device the recent chats; AEZEN_WHATSAPP_HISTORY_DAYS 0 downloads none.
	cli.ManualHistorySyncDownload = req.HistoryDays <= 0
	historyProps.Do(func() {
		if req.HistoryDays > 0 {
			days := uint32(req.HistoryDays)
			store.DeviceProps.HistorySyncConfig.FullSyncDaysLimit = &days
			store.DeviceProps.HistorySyncConfig.RecentSyncDaysLimit = &days
		}
	})
	cli.SetWebsocketHTTPClient(f.http)
	cli.SetPreLoginHTTPClient(f.http)
	c := &waClient{f: f, cli: cli, db: db.Close, onEvent: req.OnEvent, log: log, historyDays: req.HistoryDays}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	cli.BackgroundEventCtx = c.ctx
	cli.AddEventHandlerWithSuccessStatus(c.handle)
	return c, nil
}

// storedDevice finds the device of jid in the tenant's store (nil when there is none). The store is keyed
// by the device's own JID (number:device@server); several channels of a tenant share the store, each with
// its own device. A bare number JID, as sessions stored it before, finds that number's only device.
func storedDevice(ctx context.Context, container *sqlstore.Container, raw string) (*store.Device, error) {
	if raw == "" {
		return nil, nil
	}
	jid, err := types.ParseJID(raw)
	if err != nil {
		return nil, err
	}
	device, err := container.GetDevice(ctx, jid)
	if err != nil || device != nil || jid.Device != 0 {
		return device, err
	}
	all, err := container.GetAllDevices(ctx)
	if err != nil {
		return nil, err
	}
	var found *store.Device
	for _, d := range all {
		if d.ID != nil && d.ID.User == jid.User && d.ID.Server == jid.Server {
			if found != nil {
				return nil, fmt.Errorf("several devices of %s are stored; pair the channel again", jid)
			}
			found = d
		}
	}
	return found, nil
}

// refreshVersion fetches the current WhatsApp Web version once it can (WhatsApp refuses outdated clients
// with 405); offline it fails fast and is tried again on a later connect, at most every versionWait.
func (f *WhatsmeowFactory) refreshVersion() {
	f.versionMu.Lock()
	defer f.versionMu.Unlock()
	if f.versionOK || (!f.versionTry.IsZero() && time.Since(f.versionTry) < f.versionWait) {
		return
	}
	f.versionTry = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	v, err := whatsmeow.GetLatestVersion(ctx, f.http)
	if err != nil {
		f.log.Info("could not fetch the current WhatsApp Web version, using the built-in one", "err", err)
		return
	}
	f.mu.Lock()
	store.SetWAVersion(*v)
	f.mu.Unlock()
	f.versionOK = true
	f.log.Info("using the current WhatsApp Web version", "version", v.String())
}

// waClient is one channel's whatsmeow client behind the engine's WhatsAppClient interface.
type waClient struct {
	f           *WhatsmeowFactory
	cli         *whatsmeow.Client
	db          func() error
	onEvent     func(WhatsAppEvent)
	log         *slog.Logger
	ctx         context.Context // lives as long as the client: whatsmeow runs its loops on it
	cancel      context.CancelFunc
	closed      atomic.Bool
	qr          qrRotation
	historyDays int
	// retryKeys holds the media key of each attachment a retry was asked for, until the phone answers.
	retryKeys sync.Map
}

// Connect connects with the client-lifetime context, never a short one: whatsmeow keeps the context for
// the connection's own loops, so cancelling it would cut a working connection. Every phase is bounded
// instead: the dialer, TLS and response-header timeouts of the factory's transport, and whatsmeow's own
// 20-second handshake timeout. Offline, DNS fails within milliseconds and the error says so.
func (c *waClient) Connect() error {
	if c.closed.Load() {
		return errors.New("client is closed")
	}
	c.f.refreshVersion()
	c.f.mu.RLock()
	err := c.cli.ConnectContext(c.ctx)
	c.f.mu.RUnlock()
	if errors.Is(err, whatsmeow.ErrAlreadyConnected) {
		return nil
	}
	return describeConnectError(err)
}

func (c *waClient) Disconnect() {
	c.qr.stop()
	c.cli.Disconnect()
}

// Logout unlinks the device when connected; whatever WhatsApp answers, the local device is deleted.
func (c *waClient) Logout(ctx context.Context) error {
	c.qr.stop()
	if c.cli.Store.ID == nil {
		c.cli.Disconnect()
		return nil
	}
	if c.cli.IsLoggedIn() {
		if err := c.cli.Logout(ctx); err == nil {
			return nil
		} else {
			c.log.Warn("WhatsApp did not confirm the logout; deleting the device locally", "err", err)
		}
	}
	c.cli.Disconnect()
	return c.cli.Store.Delete(ctx)
}

func (c *waClient) PairPhone(ctx context.Context, phone string) (string, error) {
	if !c.cli.IsConnected() {
		return "", ErrWANotConnected
	}
	return c.cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
}

func (c *waClient) SendText(ctx context.Context, to, id, text string, quote *WAQuote) error {
	jid, err := types.ParseJID(to)
	if err != nil || jid.User == "" {
		return ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	msg := textMessage(text)
	if quote != nil {
		msg = &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(text),
			ContextInfo: c.quoteContext(jid, quote)}}
	}
	_, err = c.cli.SendMessage(ctx, jid, msg, whatsmeow.SendRequestExtra{ID: id})
	return err
}

func (c *waClient) SendAction(ctx context.Context, to string, a WAAction) error {
	jid, err := types.ParseJID(to)
	if err != nil || jid.User == "" {
		return ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	msg := actionMessage(c.cli, jid, c.cli.Store.GetJID(), a)
	if msg == nil {
		return fmt.Errorf("%s is not a WhatsApp action", a.Kind)
	}
	_, err = c.cli.SendMessage(ctx, jid, msg)
	return err
}

// actionMessage is the WhatsApp message that carries a: a reaction names the target's author (the customer
// or our own number), an edit and a revoke name our own message.
func actionMessage(cli *whatsmeow.Client, chat, own types.JID, a WAAction) *waE2E.Message {
	author := chat.ToNonAD()
	if a.TargetFromMe {
		author = own.ToNonAD()
	}
	switch a.Kind {
	case WAReaction:
		return cli.BuildReaction(chat, author, a.TargetID, a.Value)
	case WAEdit:
		return cli.BuildEdit(chat, a.TargetID, textMessage(a.Value))
	case WARevoke:
		return cli.BuildRevoke(chat, types.EmptyJID, a.TargetID)
	}
	return nil
}

// quoteContext is the ContextInfo that makes a message a reply to quote in the chat with customer: the
// quoted message's id, its author (the customer, or this device's own number) and its text.
func (c *waClient) quoteContext(customer types.JID, quote *WAQuote) *waE2E.ContextInfo {
	return quoteContext(customer, c.cli.Store.GetJID(), quote)
}

func quoteContext(customer, own types.JID, quote *WAQuote) *waE2E.ContextInfo {
	if quote == nil {
		return nil
	}
	author := customer.ToNonAD()
	if quote.FromMe {
		author = own.ToNonAD()
	}
	return &waE2E.ContextInfo{StanzaID: proto.String(quote.ID), Participant: proto.String(author.String()),
		QuotedMessage: &waE2E.Message{Conversation: proto.String(quote.Text)}}
}

func (c *waClient) MarkRead(ctx context.Context, chat, sender string, ids []string, at time.Time) error {
	chatJID, err := types.ParseJID(chat)
	if err != nil {
		return ErrWABadRecipient
	}
	var senderJID types.JID
	if sender != "" {
		senderJID, _ = types.ParseJID(sender)
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	return c.cli.MarkRead(ctx, ids, at, chatJID, senderJID)
}

func (c *waClient) SetTyping(ctx context.Context, chat string, on bool) error {
	jid, err := types.ParseJID(chat)
	if err != nil {
		return ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	state := types.ChatPresencePaused
	if on {
		state = types.ChatPresenceComposing
	}
	return c.cli.SendChatPresence(ctx, jid, state, types.ChatPresenceMediaText)
}

func (c *waClient) IsOnWhatsApp(ctx context.Context, jid string) (bool, error) {
	phone := WhatsAppPhone(jid)
	if phone == "" {
		return false, ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return false, ErrWANotConnected
	}
	res, err := c.cli.IsOnWhatsApp(ctx, []string{phone})
	if err != nil {
		return false, err
	}
	for _, r := range res {
		if r.IsIn {
			return true, nil
		}
	}
	if len(res) == 0 {
		return false, errors.New("WhatsApp gave no answer about " + phone)
	}
	return false, nil
}

func (c *waClient) HasDevice() bool { return c.cli.Store.ID != nil }

func (c *waClient) JID() string {
	if jid := c.cli.Store.GetJID(); !jid.IsEmpty() {
		return jid.ToNonAD().String()
	}
	return ""
}

func (c *waClient) Close() {
	if c.closed.Swap(true) {
		return
	}
	c.qr.stop()
	c.cli.Disconnect()
	c.cli.RemoveEventHandlers()
	c.cancel()
	_ = c.db()
}

// handle runs on whatsmeow's event loop. It turns the event into the engine's own and hands it to the
// session's mailbox without blocking, with one exception that is the point of the delivery rules:
//
// Inbound messages are acknowledged only once committed. With SynchronousAck set, whatsmeow sends the
// message's ack and delivery receipt (sendMessageReceipt in decryptMessages) only after every handler has
// returned, and skips them when a handler reports failure (returns false). So for a message this handler
// waits, bounded by waAckTimeout, for the session to report the commit: true acknowledges it; false or no
// answer leaves it unacknowledged, WhatsApp delivers it again on the next connection, and the decrypted
// event buffer (whose entry is cleared only after a successful handler) lets whatsmeow decrypt it again.
// The wait blocks only the delivery of the next WhatsApp node, which keeps messages in order; commits take
// milliseconds (group commit), and a duplicate re-delivery commits nothing and is acknowledged.
func (c *waClient) handle(raw any) bool {
	if c.closed.Load() {
		return false
	}
	if hist, ok := raw.(*events.HistorySync); ok {
		return c.history(hist)
	}
	if ev := translatePresence(raw); ev != nil {
		p := ev.(WAPresence)
		c.presenceJID(&p)
		c.emit(p)
		return true
	}
	if _, ok := raw.(*events.Connected); ok {
		// WhatsApp sends customers' presences (online, typing) only to a device that is online itself.
		go func() {
			if err := c.cli.SendPresence(c.ctx, types.PresenceAvailable); err != nil {
				c.log.Info("could not mark the linked device online; customers' presence will not show", "err", err)
			}
		}()
	}
	if retry, ok := raw.(*events.MediaRetry); ok {
		if ev := c.mediaRetried(retry); ev != nil {
			c.emit(ev)
		}
		return true
	}
	switch ev := translateEvent(raw, c.cli.Store.GetJID(), time.Now()).(type) {
	case nil:
		return true
	case waQRCodes:
		c.qr.start(ev.codes, c.emit, func() {
			c.cli.Disconnect()
			c.emit(WAQRTimeout{})
		})
		return true
	case *WAMessage:
		c.resolveLID(ev)
		return c.deliver(ev)
	case WAPaired, WAConnected, WADisconnected, WALoggedOut, WABanned, WAOutdated, WAStreamReplaced, WAConnectFailure:
		c.qr.stop()
		c.emit(ev)
		return true
	default:
		c.emit(ev)
		return true
	}
}

func (c *waClient) emit(ev WhatsAppEvent) {
	if !c.closed.Load() && c.onEvent != nil {
		c.onEvent(ev)
	}
}

// resolveLID files a message that names its customer by LID alone under their phone number when
// whatsmeow's LID store knows it (it learns the pairs from messages, history and contact syncs), so that
// one person is one customer whichever address they write from.
func (c *waClient) resolveLID(m *WAMessage) {
	lid, err := types.ParseJID(m.Chat)
	if err != nil || lid.Server != types.HiddenUserServer || c.cli.Store.LIDs == nil {
		return
	}
	pn, err := c.cli.Store.LIDs.GetPNForLID(c.ctx, lid)
	if err != nil || pn.IsEmpty() {
		return
	}
	m.Chat, m.LID = pn.ToNonAD().String(), lid.String()
}

// history hands one history chunk to the session and waits until it is stored (whatsmeow's history loop
// runs on its own goroutine, so the wait paces the download of the next chunk, not live messages).
func (c *waClient) history(evt *events.HistorySync) bool {
	if c.historyDays <= 0 || evt.Data == nil {
		return true
	}
	h := translateHistory(evt, c.cli.Store.GetJID(), HistoryCutoff(time.Now(), c.historyDays))
	for _, m := range h.Messages {
		c.resolveLID(m)
	}
	done := make(chan bool, 1)
	h.done = func(ok bool) {
		select {
		case done <- ok:
		default:
		}
	}
	c.emit(h)
	timer := time.NewTimer(waHistoryTimeout)
	defer timer.Stop()
	select {
	case ok := <-done:
		return ok
	case <-timer.C:
		c.log.Warn("a WhatsApp history chunk was not stored in time", "messages", len(h.Messages))
		return false
	case <-c.ctx.Done():
		return false
	}
}

// deliver hands a message to the session and waits for its commit (see handle).
func (c *waClient) deliver(m *WAMessage) bool {
	done := make(chan bool, 1)
	m.ack = func(ok bool) {
		select {
		case done <- ok:
		default:
		}
	}
	c.emit(m)
	timer := time.NewTimer(waAckTimeout)
	defer timer.Stop()
	select {
	case ok := <-done:
		return ok
	case <-timer.C:
		c.log.Warn("inbound WhatsApp message not committed in time; leaving it for re-delivery", "whatsapp_id", m.ID)
		return false
	case <-c.ctx.Done():
		return false
	}
}

// waQRCodes carries a batch of codes from translateEvent to the rotation; it never leaves this package.
type waQRCodes struct{ codes []string }

func (waQRCodes) whatsAppEvent() {}

// translateEvent is the WhatsApp boundary: the one place where whatsmeow's events become the engine's.
// own is the device's JID (empty before pairing); now stamps events that carry no time of their own.
// Events the engine has no use for translate to nil.
func translateEvent(raw any, own types.JID, now time.Time) WhatsAppEvent {
	switch evt := raw.(type) {
	case *events.QR:
		if len(evt.Codes) == 0 {
			return nil
		}
		return waQRCodes{codes: append([]string(nil), evt.Codes...)}
	case *events.PairSuccess:
		return WAPaired{JID: evt.ID.ToNonAD().String(), Device: evt.ID.String(), BusinessName: evt.BusinessName, Platform: evt.Platform}
	case *events.PairError:
		return WAPairError{Reason: errText(evt.Error)}
	case *events.QRScannedWithoutMultidevice:
		return WAPairError{Reason: "the phone scanned the code without multi-device support; update WhatsApp on the phone"}
	case *events.Connected:
		ev := WAConnected{}
		if !own.IsEmpty() {
			ev.JID, ev.Device = own.ToNonAD().String(), own.String()
			ev.Phone = WhatsAppPhone(ev.JID)
		}
		return ev
	case *events.Disconnected:
		return WADisconnected{Reason: "connection to WhatsApp lost"}
	case *events.KeepAliveTimeout:
		return nil
	case *events.LoggedOut:
		return WALoggedOut{Reason: evt.PermanentDisconnectDescription()}
	case *events.StreamReplaced:
		return WAStreamReplaced{}
	case *events.TemporaryBan:
		return WABanned{Reason: evt.String(), Expire: evt.Expire}
	case *events.ClientOutdated:
		return WAOutdated{}
	case *events.ConnectFailure:
		code := int(evt.Reason)
		return WAConnectFailure{Code: code, Reason: evt.Reason.String() + messageSuffix(evt.Message), Temporary: code >= 500}
	case *events.StreamError:
		return WADisconnected{Reason: "WhatsApp stream error " + evt.Code}
	case *events.CATRefreshError:
		return WAConnectFailure{Code: 0, Reason: "CAT refresh failed: " + errText(evt.Error)}
	case *events.PushName:
		if evt.NewPushName == "" || evt.JID.Server != types.DefaultUserServer {
			return nil
		}
		return WAPushName{JID: evt.JID.ToNonAD().String(), Name: evt.NewPushName}
	case *events.Receipt:
		return translateReceipt(evt)
	case *events.Message:
		return translateMessage(evt, own)
	}
	return nil
}

// translateReceipt keeps the receipts of our messages that the customer's phone got or read.
func translateReceipt(evt *events.Receipt) WhatsAppEvent {
	if evt.IsFromMe || evt.IsGroup || len(evt.MessageIDs) == 0 {
		return nil
	}
	var status string
	switch evt.Type {
	case types.ReceiptTypeDelivered, types.ReceiptTypeInactive: // Delivered is the empty string
		status = "DELIVERED"
	case types.ReceiptTypeRead, types.ReceiptTypePlayed:
		status = "READ"
	default:
		return nil
	}
	return WAReceipt{Chat: customerJID(evt.MessageSource).String(), Sender: evt.Sender.ToNonAD().String(),
		IDs: append([]string(nil), evt.MessageIDs...), Status: status, Timestamp: evt.Timestamp}
}
