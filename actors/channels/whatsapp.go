package channels

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// Timing of WhatsApp sessions.
const (
	waLeaseTTL     = 30 * time.Second
	waLeaseRenew   = 10 * time.Second
	waRetryBase    = time.Second
	waRetryMax     = 5 * time.Minute
	waMaxSendTries = 5
)

// waSeq numbers connection attempts, clients and leases across every session of the node, so that a timer
// or event of an earlier attempt (or of a crashed instance) never passes for a current one.
var waSeq atomic.Uint64

// whatsappSession runs one WhatsApp channel: it holds the channel's lease, drives the client through the
// status machine (see the WAStatus constants), hands inbound messages and receipts to the tenant, and
// sends the channel's outbox, paced and retried with the message ids chosen before the send.
type whatsappSession struct {
	node      *node.Node
	tenantID  uuid.UUID
	store     *persistence.TenantStore
	channelID uuid.UUID
	holder    string
	log       *slog.Logger
	numbers   *WANumbers // the tenant's cache of which numbers are on WhatsApp

	want       bool // the session should be connected: the operator asked, or it was restored
	live       bool // what the tenant was last told
	gen        uint64
	client     sessions.WhatsAppClient
	clientID   uint64
	status     string
	lastError  string
	reconnects int
	backoff    int
	nextRetry  *time.Time
	lastSeen   *time.Time
	jid        string
	device     string // the linked device's JID (with its device number): the key of its whatsmeow store
	hasDevice  bool
	qr         *ops.WhatsAppQR
	pairs      []*WAPairPhone
	history    *ops.WhatsAppHistory // the history import (nil: none since the device was paired)
	subscribed map[string]bool      // customers whose presence this connection follows

	leaseSeq   uint64
	leaseHeld  bool
	leaseSince time.Time

	// started is set once the channel's stored state is read; what arrives before waits in early, in order.
	started bool
	early   []any
	// metaSeq numbers the states persist was asked to save; meta writes them in order. A write that stored a
	// new status pokes the tenant (wake), whose event webhook dispatcher then sends its channel.status.
	metaSeq uint64
	meta    metaWriter
	wake    func()
	// persisted is the status of the last state given to meta.
	persisted string

	outbox
	dl downloads
}

func (s *whatsappSession) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		s.start0(ctx)
	case *actor.Restarting, *actor.Stopping:
		// A crash or a stop: let go of the connection and the lease; the stored state stays for restore.
		// The lease is released and the newest state saved (if it is not yet) here, on the mailbox: the tenant
		// closes its pool once its children have stopped.
		s.closeClient()
		s.releaseLease()
		s.saveMeta(s.metaSeq, s.metaSnapshot())
	case *waStarted:
		s.loaded(ctx, msg)
	case *waPendingLoaded:
		s.pendingLoaded(ctx, msg)
	default:
		if !s.started {
			s.early = append(s.early, msg)
			return
		}
		s.handle(ctx, msg)
	}
}

// handle applies one message of the running session.
func (s *whatsappSession) handle(ctx actor.Context, msg any) {
	switch msg := msg.(type) {
	case *WAStatus:
		msg.Done(s.snapshot(true), nil)
	case *WAToggle:
		s.toggle(ctx, msg)
	case *WAConnect:
		s.switchTo(ctx, msg)
	case *WACheckNumber:
		s.checkNumber(ctx, msg)
	case *WAPairPhone:
		s.requestPairing(ctx, msg)
	case *WALogout:
		s.logout(ctx, msg)
	case *waEvent:
		if msg.client == s.clientID && s.client != nil {
			s.event(ctx, msg.ev)
		}
	case *waOpened:
		s.opened(ctx, msg)
	case *waConnectDone:
		if msg.gen == s.gen && msg.err != nil && s.want {
			s.log.Info("connecting to WhatsApp failed", "detail", sessions.ErrorDetail(msg.err))
			s.retryLater(ctx, msg.err.Error())
		}
	case *waRetry:
		if msg.gen == s.gen && s.want {
			s.reconnects++
			s.connect(ctx)
		}
	case *waLeaseTick:
		s.renewLease(ctx, msg)
	case *waLeaseRenewed:
		s.leaseRenewed(ctx, msg)
	case *waLogoutDone:
		s.loggedOut(ctx, msg)
	case *waHistoryDone:
		s.historyStored(msg)
	case *waAvatarDue:
		s.avatarDue(ctx, msg)
	case *waSubscribe:
		s.subscribe(msg)
	default:
		if !s.receiveDownloads(ctx, msg) {
			s.receiveOutbox(ctx, msg)
		}
	}
}

// start0 reads what the channel's metadata remembers, off the mailbox (loaded goes on).
func (s *whatsappSession) start0(ctx actor.Context) {
	s.initOutbox(rate.NewLimiter(rate.Limit(s.node.Deps().Config.WhatsAppSendRate), s.node.Deps().Config.WhatsAppSendBurst))
	s.status = ops.WAStatusDisconnected
	self, root, store, channelID, timeout := ctx.Self(), ctx.ActorSystem().Root, s.store, s.channelID, s.dbTimeout()
	tenant := ctx.Parent()
	s.wake = func() { root.Send(tenant, &ops.WebhookPoke{}) }
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		ch, err := store.GetChannel(c, channelID)
		root.Send(self, &waStarted{ch: ch, err: err})
	}()
}

// loaded applies the stored state and reconnects a session that should run and has a device (no QR code
// needed); the outbox is loaded so that nothing waits on a session that will not run. Then the messages
// that came meanwhile run, in their order.
func (s *whatsappSession) loaded(ctx actor.Context, msg *waStarted) {
	s.started = true
	defer func() {
		early := s.early
		s.early = nil
		for _, m := range early {
			s.handle(ctx, m)
		}
	}()
	ch, err := msg.ch, msg.err
	if err != nil {
		s.status, s.lastError = ops.WAStatusError, "cannot load the channel: "+err.Error()
		s.log.Error("WhatsApp session cannot start", "err", err)
		return
	}
	meta := ReadChannelMeta(ch.Metadata)
	s.jid, s.device, s.hasDevice, s.lastSeen, s.history = meta.JID, meta.DeviceJID, meta.HasDevice, meta.LastSeenAt, meta.History
	switch meta.Status {
	case ops.WAStatusLoggedOut, ops.WAStatusBanned, ops.WAStatusOutdated:
		s.status, s.lastError = meta.Status, meta.LastError
	}
	if meta.AutoConnect && meta.HasDevice {
		s.log.Info("restoring WhatsApp session")
		s.start(ctx)
	}
	s.loadPending(ctx)
}

func ReadChannelMeta(raw json.RawMessage) channelMeta {
	var m struct {
		WhatsApp channelMeta `json:"whatsapp"`
	}
	_ = json.Unmarshal(raw, &m)
	return m.WhatsApp
}

// start makes the session want a connection and begins the first attempt.
func (s *whatsappSession) start(ctx actor.Context) {
	s.want = true
	s.backoff = 0
	s.lastError = ""
	s.setLive(ctx, true)
	s.persist()
	s.connect(ctx)
}

// connect begins one attempt: take the lease (unless held), open the client (unless open), then Connect,
// off the mailbox; results come back as waOpened and waConnectDone.
func (s *whatsappSession) connect(ctx actor.Context) {
	s.gen = waSeq.Add(1)
	s.nextRetry = nil
	s.setStatus(ops.WAStatusConnecting)
	s.persist() // every status is stored: the channel.status webhook is enqueued with it
	gen, needLease, client := s.gen, !s.leaseHeld, s.client
	self, root := ctx.Self(), ctx.ActorSystem().Root
	store, channelID, holder, jid := s.store, s.channelID, s.holder, cmp.Or(s.device, s.jid)
	factory := s.node.Deps().Channels.WhatsApp
	clientID := waSeq.Add(1)
	log := s.log
	go func() {
		res := &waOpened{gen: gen}
		c, cancel := context.WithTimeout(context.Background(), s.waTimeout())
		defer cancel()
		if needLease {
			res.lease, res.leased, res.err = store.AcquireLease(c, channelID, holder, waLeaseTTL)
			if res.err == nil && !res.leased {
				res.err = fmt.Errorf("another node is running this WhatsApp session (lease held by %s until %s)",
					res.lease.Holder, res.lease.ExpiresAt.UTC().Format(time.RFC3339))
			}
		}
		if res.err == nil && client == nil {
			if factory == nil {
				res.err = errors.New("this node has no WhatsApp client configured")
			} else {
				res.clientID = clientID
				res.client, res.err = factory.Open(c, sessions.WAOpenRequest{ChannelID: channelID, DB: store.Pool, JID: jid, Log: log,
					HistoryDays: s.historyDays(), OnEvent: func(ev sessions.WhatsAppEvent) { root.Send(self, &waEvent{client: clientID, ev: ev}) }})
			}
		}
		root.Send(self, res)
	}()
}

func (s *whatsappSession) opened(ctx actor.Context, msg *waOpened) {
	if msg.leased && !s.leaseHeld {
		s.leaseHeld, s.leaseSince = true, time.Now()
		s.scheduleLeaseTick(ctx, waLeaseRenew)
	}
	if msg.client != nil {
		if msg.gen != s.gen || !s.want || s.client != nil {
			msg.client.Close()
		} else {
			s.client, s.clientID = msg.client, msg.clientID
		}
	}
	if msg.gen != s.gen || !s.want {
		if !s.want {
			s.releaseLease()
		}
		return
	}
	if msg.err != nil {
		s.log.Info("opening the WhatsApp client failed", "detail", sessions.ErrorDetail(msg.err))
		s.retryLater(ctx, msg.err.Error())
		return
	}
	client, gen := s.client, s.gen
	self, root := ctx.Self(), ctx.ActorSystem().Root
	go func() { root.Send(self, &waConnectDone{gen: gen, err: client.Connect()}) }()
}

// retryLater records a temporary failure and schedules the next attempt with capped exponential backoff.
func (s *whatsappSession) retryLater(ctx actor.Context, reason string) {
	if s.client != nil {
		s.client.Disconnect()
	}
	delay := min(waRetryBase<<min(s.backoff, 20), waRetryMax)
	s.backoff++
	at := time.Now().Add(delay)
	s.lastError, s.nextRetry, s.qr = reason, &at, nil
	s.log.Warn("WhatsApp connection down, retrying", "err", reason, "in", delay)
	s.failPairs(ctx, reason)
	s.setStatus(ops.WAStatusError)
	s.persist()
	gen := s.gen
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(delay, func() { root.Send(self, &waRetry{gen: gen}) })
}

// halt stops the session in a final status: switched off, QR expired, or a permanent disconnect. Nothing
// is retried; queued sends fail, since nothing would send them.
func (s *whatsappSession) halt(ctx actor.Context, status, reason string) {
	s.want = false
	s.gen = waSeq.Add(1)
	s.closeClient()
	s.releaseLease()
	s.lastError, s.nextRetry, s.qr = reason, nil, nil
	if reason != "" {
		s.log.Warn("WhatsApp session stopped", "status", status, "reason", reason)
	}
	s.failPairs(ctx, "WhatsApp session stopped: "+status)
	s.setStatus(status)
	s.persist()
	s.setLive(ctx, false)
	s.kick(ctx)
}

func (s *whatsappSession) closeClient() {
	if s.client != nil {
		s.client.Close()
		s.client, s.clientID = nil, 0
	}
}

func (s *whatsappSession) scheduleLeaseTick(ctx actor.Context, after time.Duration) {
	s.leaseSeq = waSeq.Add(1)
	seq := s.leaseSeq
	self, root := ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(after, func() { root.Send(self, &waLeaseTick{seq: seq}) })
}

func (s *whatsappSession) renewLease(ctx actor.Context, tick *waLeaseTick) {
	if tick.seq != s.leaseSeq || !s.leaseHeld {
		return
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	store, channelID, holder := s.store, s.channelID, s.holder
	go func() {
		c, cancel := context.WithTimeout(context.Background(), s.dbTimeout())
		defer cancel()
		ok, err := store.RenewLease(c, channelID, holder, waLeaseTTL)
		root.Send(self, &waLeaseRenewed{seq: tick.seq, ok: ok, err: err})
	}()
}

// leaseRenewed keeps the lease going; a lease taken over by another node, or not renewed for nearly its
// whole TTL, ends the connection at once: two connections of one device make WhatsApp drop both.
func (s *whatsappSession) leaseRenewed(ctx actor.Context, msg *waLeaseRenewed) {
	if msg.seq != s.leaseSeq || !s.leaseHeld {
		return
	}
	if msg.err == nil && msg.ok {
		s.leaseSince = time.Now()
		s.scheduleLeaseTick(ctx, waLeaseRenew)
		return
	}
	if msg.err != nil && time.Since(s.leaseSince) < waLeaseTTL-2*waLeaseRenew {
		s.log.Warn("renewing the WhatsApp session lease failed, trying again", "err", msg.err)
		s.scheduleLeaseTick(ctx, 2*time.Second)
		return
	}
	s.leaseHeld = false
	s.closeClient()
	if s.want {
		s.retryLater(ctx, "lost the session lease to another node")
	}
}

func (s *whatsappSession) releaseLease() {
	if !s.leaseHeld {
		return
	}
	s.leaseHeld = false
	s.leaseSeq = waSeq.Add(1)
	c, cancel := context.WithTimeout(context.Background(), s.dbTimeout())
	defer cancel()
	if err := s.store.ReleaseLease(c, s.channelID, s.holder); err != nil {
		s.log.Warn("releasing the WhatsApp session lease", "err", err)
	}
}

// setStatus records a status change and tells the tenant's WebSocket clients (connection_status). Each
// caller then persists the new status, whose write enqueues the channel.status event webhook in its
// transaction (tenant migration 020).
func (s *whatsappSession) setStatus(status string) {
	s.status = status
	s.node.Publish(s.tenantID, ops.EventConnectionStatus, s.snapshot(false))
}

func (s *whatsappSession) setLive(ctx actor.Context, live bool) {
	if s.live != live {
		s.live = live
		ctx.Send(ctx.Parent(), &SessionLive{ChannelID: s.channelID, PID: ctx.Self(), Live: live})
	}
}

// snapshot is the session's status; withQR adds the current pairing code.
func (s *whatsappSession) snapshot(withQR bool) ops.WhatsAppStatus {
	id := s.channelID
	st := ops.WhatsAppStatus{ChannelID: &id, Status: s.status, Reconnects: s.reconnects, LastSeenAt: s.lastSeen, NextRetryAt: s.nextRetry,
		History: s.historyView()}
	if s.lastError != "" {
		e := s.lastError
		st.LastError = &e
	}
	if s.jid != "" {
		j := s.jid
		st.JID = &j
	}
	if withQR && s.qr != nil && s.qr.ExpiresAt.After(time.Now()) {
		q := *s.qr
		st.QR = &q
	}
	return st
}

// persist writes what a restore needs into the channel's metadata (and the device JID as its platform id),
// off the mailbox. The writes are numbered and metaWriter applies them one at a time, in order, on one
// goroutine: every status the session went through is stored (each enqueues its channel.status event
// webhook), and the stored state is always the session's latest.
func (s *whatsappSession) persist() {
	s.metaSeq++
	seq, snap := s.metaSeq, s.metaSnapshot()
	save, wake := s.metaSave(snap), s.wake
	if snap.meta.Status != s.persisted {
		s.persisted = snap.meta.Status
		if wake != nil {
			write := save
			save = func() error {
				err := write()
				if err == nil {
					wake()
				}
				return err
			}
		}
	}
	s.meta.later(seq, save, func(err error) { s.log.Warn("saving the WhatsApp session state", "err", err) })
}

// metaState is what persist saves.
type metaState struct {
	meta       channelMeta
	platformID *string
}

func (s *whatsappSession) metaSnapshot() metaState {
	st := metaState{meta: channelMeta{Status: s.status, AutoConnect: s.want, HasDevice: s.hasDevice, JID: s.jid, DeviceJID: s.device,
		LastError: s.lastError, LastSeenAt: s.lastSeen, History: s.history}}
	if s.jid != "" {
		jid := s.jid
		st.platformID = &jid
	}
	return st
}

// saveMeta writes state number seq now unless a later one is written already.
func (s *whatsappSession) saveMeta(seq uint64, st metaState) {
	if err := s.meta.write(seq, s.metaSave(st)); err != nil {
		s.log.Warn("saving the WhatsApp session state", "err", err)
	}
}

// metaSave is the write of one state.
func (s *whatsappSession) metaSave(st metaState) func() error {
	store, channelID, timeout := s.store, s.channelID, s.dbTimeout()
	return func() error {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return store.MergeChannelMetadata(c, channelID, map[string]any{"whatsapp": st.meta}, st.platformID)
	}
}

// metaWriter applies numbered writes one at a time and never a number lower than one already written:
// later queues them for one goroutine, in order; write runs one at once (the session's stop).
type metaWriter struct {
	wmu     sync.Mutex // held while a write runs
	written uint64
	qmu     sync.Mutex
	queue   []metaJob
	running bool
}

type metaJob struct {
	seq  uint64
	save func() error
}

func (w *metaWriter) write(seq uint64, save func() error) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	if seq <= w.written {
		return nil
	}
	if err := save(); err != nil {
		return err
	}
	w.written = seq
	return nil
}

// later queues a write; failed hears of a write that failed (the next one is still tried).
func (w *metaWriter) later(seq uint64, save func() error, failed func(error)) {
	w.qmu.Lock()
	w.queue = append(w.queue, metaJob{seq: seq, save: save})
	if w.running {
		w.qmu.Unlock()
		return
	}
	w.running = true
	w.qmu.Unlock()
	go func() {
		for {
			w.qmu.Lock()
			if len(w.queue) == 0 {
				w.running = false
				w.qmu.Unlock()
				return
			}
			j := w.queue[0]
			w.queue = w.queue[1:]
			w.qmu.Unlock()
			if err := w.write(j.seq, j.save); err != nil {
				failed(err)
			}
		}
	}()
}

func (s *whatsappSession) seen() {
	now := time.Now().UTC()
	s.lastSeen = &now
}

// dbTimeout bounds one database step of the session (AEZEN_DB_TIMEOUT).
func (s *whatsappSession) dbTimeout() time.Duration { return s.node.Deps().Config.DBTimeout }

// waTimeout bounds one call to WhatsApp (AEZEN_WHATSAPP_TIMEOUT).
func (s *whatsappSession) waTimeout() time.Duration { return s.node.Deps().Config.WhatsAppTimeout }
