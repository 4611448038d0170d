package channels

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	lru "github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/sessions"
)

// How long an IsOnWhatsApp answer is kept, and how many numbers a tenant keeps answers for. A number on
// WhatsApp stays so for long; one that is not may sign up, so that answer is kept for less. WhatsApp
// watches these lookups (many of them look like a spammer's), which is why they are cached at all.
const (
	waNumberOnTTL  = 24 * time.Hour
	waNumberOffTTL = time.Hour
	waNumbersMax   = 20000
)

// WANumbers is a tenant's cache of which phone numbers are on WhatsApp, shared by its sessions (any of the
// tenant's numbers may ask; the answer does not depend on which) and its conversation actors (which
// refuse a send to a number known not to be on WhatsApp). Safe for concurrent use.
//
// The two caches are made at the first answer: each expirable LRU holds a goroutine and about 8 KB from
// its creation, and every active tenant has a WANumbers whether or not it has a WhatsApp number (issue 17,
// memory per active tenant).
type WANumbers struct {
	once    sync.Once
	on, off atomic.Pointer[lru.LRU[string, struct{}]]
}

// NewWANumbers returns an empty cache.
func NewWANumbers() *WANumbers { return &WANumbers{} }

func (n *WANumbers) init() {
	n.once.Do(func() {
		n.on.Store(lru.NewLRU[string, struct{}](waNumbersMax, nil, waNumberOnTTL))
		n.off.Store(lru.NewLRU[string, struct{}](waNumbersMax, nil, waNumberOffTTL))
	})
}

// Known reports what is cached about a JID: known is false when nothing (or only an expired answer) is.
func (n *WANumbers) Known(jid string) (on, known bool) {
	if n == nil {
		return false, false
	}
	onCache, offCache := n.on.Load(), n.off.Load()
	if onCache == nil || offCache == nil {
		return false, false
	}
	if _, ok := onCache.Get(jid); ok {
		return true, true
	}
	if _, ok := offCache.Get(jid); ok {
		return false, true
	}
	return false, false
}

// NotOn reports whether jid is known not to be on WhatsApp.
func (n *WANumbers) NotOn(jid string) bool {
	on, known := n.Known(jid)
	return known && !on
}

// Put records an answer.
func (n *WANumbers) Put(jid string, on bool) {
	if n == nil {
		return
	}
	n.init()
	if on {
		n.off.Load().Remove(jid)
		n.on.Load().Add(jid, struct{}{})
	} else {
		n.on.Load().Remove(jid)
		n.off.Load().Add(jid, struct{}{})
	}
}

// check asks WhatsApp whether a phone-number JID is on it, unless the answer is cached; other addresses
// (LIDs, which WhatsApp gave us from a customer who wrote) count as on it. known is false when WhatsApp
// could not be asked (not connected, or the lookup failed).
func (n *WANumbers) check(ctx context.Context, client sessions.WhatsAppClient, jid string) (on, known bool, err error) {
	if sessions.WhatsAppPhone(jid) == "" {
		return true, true, nil
	}
	if on, known := n.Known(jid); known {
		return on, true, nil
	}
	if client == nil {
		return false, false, sessions.ErrWANotConnected
	}
	on, err = client.IsOnWhatsApp(ctx, jid)
	if err != nil {
		return false, false, err
	}
	n.Put(jid, on)
	return on, true, nil
}

// WACheckNumber asks a session whether a phone-number JID is on WhatsApp (from the tenant's cache, or
// WhatsApp when the session is connected). Done gets known false when nobody could tell.
type WACheckNumber struct {
	JID  string
	Done func(on, known bool)
}

// checkNumber answers a WACheckNumber off the mailbox.
func (s *whatsappSession) checkNumber(_ actor.Context, req *WACheckNumber) {
	client := s.client
	if s.status != ops.WAStatusConnected {
		client = nil
	}
	numbers, timeout, log := s.numbers, s.waTimeout(), s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		on, known, err := numbers.check(c, client, req.JID)
		if err != nil && client != nil {
			log.Warn("asking WhatsApp whether a number is on it", "err", err)
		}
		req.Done(on, known)
	}()
}

// checkedSend runs send unless the recipient is known (or, asked now, turns out) not to be on WhatsApp:
// such a message fails at once with sessions.ErrWANotOnWhatsApp instead of after every retry. When
// WhatsApp cannot be asked, the send goes ahead as before.
func (s *whatsappSession) checkedSend(m sessions.Outbound, client sessions.WhatsAppClient, send func() *waSendDone) func() *waSendDone {
	numbers, timeout := s.numbers, s.waTimeout()
	return func() *waSendDone {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		on, known, _ := numbers.check(c, client, m.To)
		cancel()
		if known && !on {
			return &waSendDone{msg: m, err: sessions.ErrWANotOnWhatsApp}
		}
		return send()
	}
}
