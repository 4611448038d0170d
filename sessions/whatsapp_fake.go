package sessions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// FakeWhatsApp is a scripted WhatsApp for tests: a WhatsAppFactory whose clients do what the test says.
// It remembers the paired device of each channel for as long as the test keeps it, across engines, the way
// the tenant database keeps whatsmeow's device store; a node restart therefore restores without a QR code.
type FakeWhatsApp struct {
	mu         sync.Mutex
	devices    map[uuid.UUID]string
	clients    map[uuid.UUID]*FakeClient
	opens      map[uuid.UUID]int
	connects   map[uuid.UUID]int
	qrs        map[uuid.UUID]int
	connectErr error
	sendErrs   []error
	crashes    int
	sent       []FakeSent
	reads      []FakeRead
	typing     []FakeTyping
	pairPhones []string
	ackTimeout time.Duration
	qrSequence int
}

// FakeSent is a message a fake client sent (or tried to send, when Err is set).
type FakeSent struct {
	ChannelID uuid.UUID
	To, ID    string
	Text      string
	Err       error
	At        time.Time
}

// FakeRead is a read receipt a fake client sent.
type FakeRead struct {
	ChannelID uuid.UUID
	Chat      string
	IDs       []string
}

// FakeTyping is a chat presence a fake client sent.
type FakeTyping struct {
	ChannelID uuid.UUID
	Chat      string
	On        bool
}

// NewFakeWhatsApp creates a fake with no paired device.
func NewFakeWhatsApp() *FakeWhatsApp {
	return &FakeWhatsApp{devices: map[uuid.UUID]string{}, clients: map[uuid.UUID]*FakeClient{},
		opens: map[uuid.UUID]int{}, connects: map[uuid.UUID]int{}, qrs: map[uuid.UUID]int{}, ackTimeout: 10 * time.Second}
}

// Open returns a client for the channel; its device is the one the fake remembers.
func (f *FakeWhatsApp) Open(_ context.Context, req WAOpenRequest) (WhatsAppClient, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &FakeClient{f: f, channelID: req.ChannelID, onEvent: req.OnEvent}
	f.clients[req.ChannelID] = c
	f.opens[req.ChannelID]++
	return c, nil
}

// FakeClient is one channel's client of a FakeWhatsApp.
type FakeClient struct {
	f         *FakeWhatsApp
	channelID uuid.UUID
	onEvent   func(WhatsAppEvent)
	connected bool
	closed    bool
}

// Connect succeeds (unless SetConnectError) and, like WhatsApp, logs in with a stored device or shows a QR.
func (c *FakeClient) Connect() error {
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
	var ev WhatsAppEvent
	if jid != "" {
		ev = WAConnected{JID: jid, Phone: WhatsAppPhone(jid)}
	} else {
		f.qrSequence++
		f.qrs[c.channelID]++
		ev = WAQRCode{Code: fmt.Sprintf("2@fake-qr-%d", f.qrSequence), ExpiresAt: time.Now().Add(60 * time.Second)}
	}
	f.mu.Unlock()
	c.emit(ev)
	return nil
}

// Disconnect closes the fake connection.
func (c *FakeClient) Disconnect() {
	c.f.mu.Lock()
	c.connected = false
	c.f.mu.Unlock()
}

// Logout forgets the channel's device.
func (c *FakeClient) Logout(context.Context) error {
	c.f.mu.Lock()
	delete(c.f.devices, c.channelID)
	c.connected = false
	c.f.mu.Unlock()
	return nil
}

// PairPhone records the phone and returns a fixed code.
func (c *FakeClient) PairPhone(_ context.Context, phone string) (string, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if !c.connected {
		return "", ErrWANotConnected
	}
	c.f.pairPhones = append(c.f.pairPhones, phone)
	return "FAKE-CODE", nil
}

// SendText records the send; it fails with the next error queued by FailNextSends.
func (c *FakeClient) SendText(_ context.Context, to, id, text string) error {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case !c.connected:
		err = ErrWANotConnected
	case len(f.sendErrs) > 0:
		err, f.sendErrs = f.sendErrs[0], f.sendErrs[1:]
	}
	f.sent = append(f.sent, FakeSent{ChannelID: c.channelID, To: to, ID: id, Text: text, Err: err, At: time.Now()})
	return err
}

// MarkRead records the receipt.
func (c *FakeClient) MarkRead(_ context.Context, chat, _ string, ids []string, _ time.Time) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.reads = append(c.f.reads, FakeRead{ChannelID: c.channelID, Chat: chat, IDs: append([]string(nil), ids...)})
	return nil
}

// SetTyping records the presence.
func (c *FakeClient) SetTyping(_ context.Context, chat string, on bool) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.typing = append(c.f.typing, FakeTyping{ChannelID: c.channelID, Chat: chat, On: on})
	return nil
}

// HasDevice reports the remembered device; it panics instead when CrashOnDeviceCheck armed it.
func (c *FakeClient) HasDevice() bool {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.crashes > 0 {
		c.f.crashes--
		panic("fake whatsapp: scripted crash")
	}
	return c.f.devices[c.channelID] != ""
}

// JID is the remembered device's JID.
func (c *FakeClient) JID() string {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	return c.f.devices[c.channelID]
}

// Close ends the client; it delivers no more events.
func (c *FakeClient) Close() {
	c.f.mu.Lock()
	c.closed = true
	c.connected = false
	c.f.mu.Unlock()
}

func (c *FakeClient) emit(ev WhatsAppEvent) bool {
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
func (f *FakeWhatsApp) client(channelID uuid.UUID) (*FakeClient, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[channelID]
	if c == nil || c.closed {
		return nil, errors.New("fake whatsapp: no open client for channel " + channelID.String())
	}
	return c, nil
}

// Emit delivers any event on the channel's current client.
func (f *FakeWhatsApp) Emit(channelID uuid.UUID, ev WhatsAppEvent) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	c.emit(ev)
	return nil
}

// Pair plays the phone scanning the QR code: the device is stored, then the connection logs in.
func (f *FakeWhatsApp) Pair(channelID uuid.UUID, jid string) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.devices[channelID] = jid
	f.mu.Unlock()
	c.emit(WAPaired{JID: jid, Platform: "android"})
	c.emit(WAConnected{JID: jid, Phone: WhatsAppPhone(jid)})
	return nil
}

// Deliver plays WhatsApp delivering a customer's message and reports whether the engine acknowledged it
// (which it does only once the message is committed).
func (f *FakeWhatsApp) Deliver(channelID uuid.UUID, m WAMessage) (acked bool, err error) {
	c, err := f.client(channelID)
	if err != nil {
		return false, err
	}
	done := make(chan bool, 1)
	msg := m
	msg.ack = func(ok bool) {
		select {
		case done <- ok:
		default:
		}
	}
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
func (f *FakeWhatsApp) Receipt(channelID uuid.UUID, chat, status string, ids ...string) error {
	return f.Emit(channelID, WAReceipt{Chat: chat, Sender: chat, IDs: ids, Status: status, Timestamp: time.Now()})
}

// Drop plays a temporary loss of the connection.
func (f *FakeWhatsApp) Drop(channelID uuid.UUID) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	c.Disconnect()
	c.emit(WADisconnected{Reason: "fake connection dropped"})
	return nil
}

// RemoteLogout plays the phone unlinking this device.
func (f *FakeWhatsApp) RemoteLogout(channelID uuid.UUID) error {
	c, err := f.client(channelID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.devices, channelID)
	c.connected = false
	f.mu.Unlock()
	c.emit(WALoggedOut{Reason: "401: logged out from another device"})
	return nil
}

// SetConnectError makes every Connect fail with err (nil restores success).
func (f *FakeWhatsApp) SetConnectError(err error) {
	f.mu.Lock()
	f.connectErr = err
	f.mu.Unlock()
}

// FailNextSends makes the next sends fail with these errors, in order.
func (f *FakeWhatsApp) FailNextSends(errs ...error) {
	f.mu.Lock()
	f.sendErrs = append(f.sendErrs, errs...)
	f.mu.Unlock()
}

// CrashOnDeviceCheck makes the next n HasDevice calls panic, as a bug in a session would.
func (f *FakeWhatsApp) CrashOnDeviceCheck(n int) {
	f.mu.Lock()
	f.crashes += n
	f.mu.Unlock()
}

// StoreDevice pretends a device was paired for the channel earlier.
func (f *FakeWhatsApp) StoreDevice(channelID uuid.UUID, jid string) {
	f.mu.Lock()
	f.devices[channelID] = jid
	f.mu.Unlock()
}

// Device returns the channel's remembered device JID, or "".
func (f *FakeWhatsApp) Device(channelID uuid.UUID) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.devices[channelID]
}

// Connected reports whether the channel's current client is connected.
func (f *FakeWhatsApp) Connected(channelID uuid.UUID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.clients[channelID]
	return c != nil && c.connected && !c.closed
}

// Counts returns how many clients were opened, connects succeeded and QR codes shown for the channel.
func (f *FakeWhatsApp) Counts(channelID uuid.UUID) (opens, connects, qrs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opens[channelID], f.connects[channelID], f.qrs[channelID]
}

// Sent returns every send attempt so far.
func (f *FakeWhatsApp) Sent() []FakeSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeSent(nil), f.sent...)
}

// Reads returns the read receipts sent so far.
func (f *FakeWhatsApp) Reads() []FakeRead {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeRead(nil), f.reads...)
}

// Typing returns the chat presences sent so far.
func (f *FakeWhatsApp) Typing() []FakeTyping {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeTyping(nil), f.typing...)
}

// PairPhones returns the phone numbers pairing codes were asked for.
func (f *FakeWhatsApp) PairPhones() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.pairPhones...)
}
