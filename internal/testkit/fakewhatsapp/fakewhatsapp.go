package fakewhatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/sessions"
)

// WhatsApp is a scripted WhatsApp for tests: a WhatsAppFactory whose clients do what the test says.
// It remembers the paired device of each channel for as long as the test keeps it, across engines, the way
// the tenant database keeps whatsmeow's device store; a node restart therefore restores without a QR code.
type WhatsApp struct {
	mu             sync.Mutex
	devices        map[uuid.UUID]string
	clients        map[uuid.UUID]*Client
	opens          map[uuid.UUID]int
	connects       map[uuid.UUID]int
	qrs            map[uuid.UUID]int
	connectErr     error
	sendErrs       []error
	numbers        numbers
	crashes        int
	sent           []Sent
	uploads        []Upload
	uploadErrs     []error
	files          map[string][]byte
	expired        map[string]bool
	dlErrs         []error
	downloads      []string
	retryAsks      []string
	retryPaths     map[string]string
	reads          []Read
	typing         []Typing
	pairPhones     []string
	ackTimeout     time.Duration
	qrSequence     int
	pictures       map[string]sessions.WAPicture
	pictureFetches map[string]int
	subscribed     map[string]int
}

// Sent is a message a fake client sent (or tried to send, when Err is set).
type Sent struct {
	ChannelID uuid.UUID
	To, ID    string
	Text      string
	// Media is set for a file send: what the message carried.
	Media *sessions.WAOutMedia
	// Quote is the message a reply quoted (for a file, Media.Quote).
	Quote *sessions.WAQuote
	// Action is set for a reaction, edit or revoke (ID is then the target's id).
	Action *sessions.WAAction
	Err    error
	At     time.Time
}

// Read is a read receipt a fake client sent.
type Read struct {
	ChannelID uuid.UUID
	Chat      string
	IDs       []string
}

// Typing is a chat presence a fake client sent.
type Typing struct {
	ChannelID uuid.UUID
	Chat      string
	On        bool
}

// New creates a fake with no paired device.
func New() *WhatsApp {
	return &WhatsApp{devices: map[uuid.UUID]string{}, clients: map[uuid.UUID]*Client{},
		opens: map[uuid.UUID]int{}, connects: map[uuid.UUID]int{}, qrs: map[uuid.UUID]int{}, ackTimeout: 10 * time.Second}
}

// Open returns a client for the channel; its device is the one the fake remembers.
func (f *WhatsApp) Open(_ context.Context, req sessions.WAOpenRequest) (sessions.WhatsAppClient, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &Client{f: f, channelID: req.ChannelID, onEvent: req.OnEvent}
	f.clients[req.ChannelID] = c
	f.opens[req.ChannelID]++
	return c, nil
}

// Client is one channel's client of a WhatsApp.
type Client struct {
	f         *WhatsApp
	channelID uuid.UUID
	onEvent   func(sessions.WhatsAppEvent)
	connected bool
	closed    bool
}

// Connect succeeds (unless SetConnectError) and, like WhatsApp, logs in with a stored device or shows a QR.
func (c *Client) Connect() error {
	f := c.f
	f.mu.Lock()
	if f.connectErr != nil {
		err := f.connectErr
		f.mu.Unlock()
		return err
	}
	c.connected = true
	f.connects[c.channelID]++
	jid := f.devices[c.channelID]
	var ev sessions.WhatsAppEvent
	if jid != "" {
		ev = sessions.WAConnected{JID: jid, Device: deviceJID(jid), Phone: sessions.WhatsAppPhone(jid)}
	} else {
		f.qrSequence++
		f.qrs[c.channelID]++
		ev = sessions.WAQRCode{Code: fmt.Sprintf("2@fake-qr-%d", f.qrSequence), ExpiresAt: time.Now().Add(60 * time.Second)}
	}
	f.mu.Unlock()
	c.emit(ev)
	return nil
}

// Disconnect closes the fake connection.
func (c *Client) Disconnect() {
	c.f.mu.Lock()
	c.connected = false
	c.f.mu.Unlock()
}

// Logout forgets the channel's device.
func (c *Client) Logout(context.Context) error {
	c.f.mu.Lock()
	delete(c.f.devices, c.channelID)
	c.connected = false
	c.f.mu.Unlock()
	return nil
}

// PairPhone records the phone and returns a fixed code.
func (c *Client) PairPhone(_ context.Context, phone string) (string, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if !c.connected {
		return "", sessions.ErrWANotConnected
	}
	c.f.pairPhones = append(c.f.pairPhones, phone)
	return "FAKE-CODE", nil
}

// SendText records the send; it fails with the next error queued by FailNextSends.
func (c *Client) SendText(_ context.Context, to, id, text string, quote *sessions.WAQuote) error {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case !c.connected:
		err = sessions.ErrWANotConnected
	case f.numbers.notOn[to]:
		err = errNoAccount
	case len(f.sendErrs) > 0:
		err, f.sendErrs = f.sendErrs[0], f.sendErrs[1:]
	}
	f.sent = append(f.sent, Sent{ChannelID: c.channelID, To: to, ID: id, Text: text, Quote: quote, Err: err, At: time.Now()})
	return err
}

// SendAction records a reaction, edit or revoke like a send (Sent.Action); it fails like SendText.
func (c *Client) SendAction(_ context.Context, to string, a sessions.WAAction) error {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case !c.connected:
		err = sessions.ErrWANotConnected
	case len(f.sendErrs) > 0:
		err, f.sendErrs = f.sendErrs[0], f.sendErrs[1:]
	}
	f.sent = append(f.sent, Sent{ChannelID: c.channelID, To: to, ID: a.TargetID, Action: &a, Err: err, At: time.Now()})
	return err
}

// MarkRead records the receipt.
func (c *Client) MarkRead(_ context.Context, chat, _ string, ids []string, _ time.Time) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.reads = append(c.f.reads, Read{ChannelID: c.channelID, Chat: chat, IDs: append([]string(nil), ids...)})
	return nil
}

// SetTyping records the presence.
func (c *Client) SetTyping(_ context.Context, chat string, on bool) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.typing = append(c.f.typing, Typing{ChannelID: c.channelID, Chat: chat, On: on})
	return nil
}

// HasDevice reports the remembered device; it panics instead when CrashOnDeviceCheck armed it.
func (c *Client) HasDevice() bool {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.crashes > 0 {
		c.f.crashes--
		panic("fake whatsapp: scripted crash")
	}
	return c.f.devices[c.channelID] != ""
}

// JID is the remembered device's JID.
func (c *Client) JID() string {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	return c.f.devices[c.channelID]
}

// Close ends the client; it delivers no more events.
func (c *Client) Close() {
	c.f.mu.Lock()
	c.closed = true
	c.connected = false
	c.f.mu.Unlock()
}

func (c *Client) emit(ev sessions.WhatsAppEvent) bool {
	c.f.mu.Lock()
	closed := c.closed
	c.f.mu.Unlock()
	if closed || c.onEvent == nil {
		return false
	}
	c.onEvent(ev)
	return true
}

// client returns the channel's current client or an error naming what is missing.
func (f *WhatsApp) client(channelID uuid.UUID) (*Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[channelID]
	if c == nil || c.closed {
		return nil, errors.New("fake whatsapp: no open client for channel " + channelID.String())
	}
	return c, nil
}

// Emit delivers any event on the channel's current client.
func (f *WhatsApp) Emit(channelID uuid.UUID, ev sessions.WhatsAppEvent) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	c.emit(ev)
	return nil
}

// Pair plays the phone scanning the QR code: the device is stored, then the connection logs in.
func (f *WhatsApp) Pair(channelID uuid.UUID, jid string) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.devices[channelID] = jid
	f.mu.Unlock()
	c.emit(sessions.WAPaired{JID: jid, Device: deviceJID(jid), Platform: "android"})
	c.emit(sessions.WAConnected{JID: jid, Device: deviceJID(jid), Phone: sessions.WhatsAppPhone(jid)})
	return nil
}

// Deliver plays WhatsApp delivering a customer's message and reports whether the engine acknowledged it
// (which it does only once the message is committed).
func (f *WhatsApp) Deliver(channelID uuid.UUID, m sessions.WAMessage) (acked bool, err error) {
	c, err := f.client(channelID)
	if err != nil {
		return false, err
	}
	done := make(chan bool, 1)
	msg := m
	msg.OnDone(func(ok bool) {
		select {
		case done <- ok:
		default:
		}
	})
	if !c.emit(&msg) {
		return false, errors.New("fake whatsapp: client closed")
	}
	select {
	case ok := <-done:
		return ok, nil
	case <-time.After(f.ackTimeout):
		return false, nil
	}
}

// Receipt plays the customer's phone reporting our messages DELIVERED or READ.
func (f *WhatsApp) Receipt(channelID uuid.UUID, chat, status string, ids ...string) error {
	return f.Emit(channelID, sessions.WAReceipt{Chat: chat, Sender: chat, IDs: ids, Status: status, Timestamp: time.Now()})
}

// Drop plays a temporary loss of the connection.
func (f *WhatsApp) Drop(channelID uuid.UUID) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	c.Disconnect()
	c.emit(sessions.WADisconnected{Reason: "fake connection dropped"})
	return nil
}

// RemoteLogout plays the phone unlinking this device.
func (f *WhatsApp) RemoteLogout(channelID uuid.UUID) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.devices, channelID)
	c.connected = false
	f.mu.Unlock()
	c.emit(sessions.WALoggedOut{Reason: "401: logged out from another device"})
	return nil
}

// SetConnectError makes every Connect fail with err (nil restores success).
func (f *WhatsApp) SetConnectError(err error) {
	f.mu.Lock()
	f.connectErr = err
	f.mu.Unlock()
}

// FailNextSends makes the next sends fail with these errors, in order.
func (f *WhatsApp) FailNextSends(errs ...error) {
	f.mu.Lock()
	f.sendErrs = append(f.sendErrs, errs...)
	f.mu.Unlock()
}

// CrashOnDeviceCheck makes the next n HasDevice calls panic, as a bug in a session would.
func (f *WhatsApp) CrashOnDeviceCheck(n int) {
	f.mu.Lock()
	f.crashes += n
	f.mu.Unlock()
}

// StoreDevice pretends a device was paired for the channel earlier.
func (f *WhatsApp) StoreDevice(channelID uuid.UUID, jid string) {
	f.mu.Lock()
	f.devices[channelID] = jid
	f.mu.Unlock()
}

// Device returns the channel's remembered device JID, or "".
func (f *WhatsApp) Device(channelID uuid.UUID) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.devices[channelID]
}

// Connected reports whether the channel's current client is connected.
func (f *WhatsApp) Connected(channelID uuid.UUID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[channelID]
	return c != nil && c.connected && !c.closed
}

// Counts returns how many clients were opened, connects succeeded and QR codes shown for the channel.
func (f *WhatsApp) Counts(channelID uuid.UUID) (opens, connects, qrs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opens[channelID], f.connects[channelID], f.qrs[channelID]
}

// Sent returns every send attempt so far.
func (f *WhatsApp) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent...)
}

// Reads returns the read receipts sent so far.
func (f *WhatsApp) Reads() []Read {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Read(nil), f.reads...)
}

// Typing returns the chat presences sent so far.
func (f *WhatsApp) Typing() []Typing {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Typing(nil), f.typing...)
}

// PairPhones returns the phone numbers pairing codes were asked for.
func (f *WhatsApp) PairPhones() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.pairPhones...)
}

// deviceJID is the linked device's own JID for a number's JID: the fake always links device 1.
func deviceJID(jid string) string {
	user, server, _ := strings.Cut(jid, "@")
	return user + ":1@" + server
}
