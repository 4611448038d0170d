package channels

import (
	"cmp"
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// event applies one event of the current client: the engine's side of the WhatsApp boundary.
func (s *whatsappSession) event(ctx actor.Context, ev sessions.WhatsAppEvent) {
	switch e := ev.(type) {
	case sessions.WAQRCode:
		s.qrCode(ctx, e)
	case sessions.WAQRTimeout:
		s.halt(ctx, ops.WAStatusDisconnected, "the QR code expired before it was scanned; connect again for a new one")
	case sessions.WAPaired:
		s.jid, s.device, s.hasDevice, s.qr = e.JID, e.Device, true, nil
		s.historyPaired()
		s.log.Info("WhatsApp device paired", "phone_platform", e.Platform)
		s.persist()
	case sessions.WAPairError:
		s.lastError = "pairing failed: " + e.Reason
		s.setStatus(s.status)
	case sessions.WAConnected:
		s.connected(ctx, e)
	case sessions.WADisconnected:
		if !s.hasDevice {
			s.halt(ctx, ops.WAStatusDisconnected, "the connection closed before the QR code was scanned; connect again")
			return
		}
		s.retryLater(ctx, e.Reason)
	case sessions.WALoggedOut:
		s.hasDevice, s.jid, s.device = false, "", ""
		s.halt(ctx, ops.WAStatusLoggedOut, "logged out: "+e.Reason)
	case sessions.WABanned:
		s.halt(ctx, ops.WAStatusBanned, "banned by WhatsApp: "+e.Reason)
	case sessions.WAOutdated:
		s.halt(ctx, ops.WAStatusOutdated, "WhatsApp rejected this client version (405); update the engine")
	case sessions.WAStreamReplaced:
		s.halt(ctx, ops.WAStatusError, "another WhatsApp Web client took over this session (stream replaced)")
	case sessions.WAConnectFailure:
		if e.Temporary {
			s.retryLater(ctx, "WhatsApp refused the connection: "+e.Reason)
		} else {
			s.halt(ctx, ops.WAStatusError, "WhatsApp refused the connection: "+e.Reason)
		}
	case sessions.WAReceipt:
		s.seen()
		s.receipt(ctx, e)
	case sessions.WAPushName:
		s.pushNames([]sessions.WAPushName{e})
	case sessions.WAPresence:
		s.presence(func(m any) { ctx.Send(ctx.Parent(), m) }, e)
	case *sessions.WAHistory:
		s.seen()
		s.historyChunk(ctx, e)
	case *sessions.WAMessage:
		s.seen()
		s.inbound(ctx, e)
	case sessions.WAMediaRetry:
		s.mediaRetried(ctx, e)
	}
}

func (s *whatsappSession) qrCode(ctx actor.Context, e sessions.WAQRCode) {
	if !s.want || (s.status != ops.WAStatusConnecting && s.status != ops.WAStatusWaitingQR) {
		return
	}
	s.qr = &ops.WhatsAppQR{ChannelID: s.channelID, Code: e.Code, ExpiresAt: e.ExpiresAt}
	s.node.Publish(s.tenantID, ops.EventQR, s.qr)
	if s.status != ops.WAStatusWaitingQR {
		s.setStatus(ops.WAStatusWaitingQR)
		s.persist()
	}
	pairs := s.pairs
	s.pairs = nil
	for _, req := range pairs {
		s.pairPhone(ctx, req)
	}
}

func (s *whatsappSession) connected(ctx actor.Context, e sessions.WAConnected) {
	if !s.want {
		return
	}
	if e.JID != "" {
		s.jid = e.JID
	}
	if e.Device != "" {
		s.device = e.Device
	}
	s.hasDevice = s.client.HasDevice()
	s.seen()
	s.qr, s.nextRetry, s.lastError, s.backoff = nil, nil, "", 0
	s.subscribed = nil // a new connection follows nobody yet
	s.log.Info("WhatsApp connected")
	for _, req := range s.pairs {
		req.Done(ops.PairPhoneResult{}, domain.Conflict("WhatsApp is already connected"))
	}
	s.pairs = nil
	s.setStatus(ops.WAStatusConnected)
	s.persist()
	s.loadPending(ctx)
	s.kick(ctx)
	s.resumeDownloads(ctx)
	s.pumpDownloads(ctx)
}

// inbound hands a customer's message to the tenant and acknowledges it to WhatsApp once the conversation
// actor has committed it: the tenant replies to a future, whose answer settles the message.
func (s *whatsappSession) inbound(ctx actor.Context, m *sessions.WAMessage) {
	if m.Update != nil {
		s.numbers.Put(m.Chat, true)
		s.inboundUpdate(ctx, m)
		return
	}
	in := s.inboundInput(m)
	fut := actor.NewFuture(ctx.ActorSystem(), 30*time.Second)
	ctx.Send(ctx.Parent(), &WAInbound{ChannelID: s.channelID, Input: in, ReplyTo: fut.PID()})
	log, self, root := s.log, ctx.Self(), ctx.ActorSystem().Root
	go func() {
		res, err := fut.Result()
		if err == nil {
			err = node.Failed(res)
		}
		ok := err == nil
		if !ok {
			log.Warn("inbound WhatsApp message not stored; WhatsApp will deliver it again", "whatsapp_id", m.ID, "err", err)
		}
		m.Done(ok)
		if ok {
			root.Send(self, &waAvatarDue{jid: m.Chat})
			root.Send(self, &waSubscribe{jid: m.Chat})
		}
		// The file is downloaded after the commit and the acknowledgement, never before them.
		if a, isAnswer := res.(*node.Answer); ok && isAnswer {
			if stored, isResult := a.Out.(ops.InboundResult); isResult {
				afterCommit(root, self, m, stored)
			}
		}
	}()
}

// inboundInput is what the tenant stores of a WhatsApp message.
func (s *whatsappSession) inboundInput(m *sessions.WAMessage) ops.InboundInput {
	s.numbers.Put(m.Chat, true) // whoever writes to us (or we wrote to from the phone) is on WhatsApp
	in := ops.InboundInput{History: m.History, PlatformMessageID: m.ID, From: ops.InboundSender{PlatformCustomerID: m.Chat}, ContentType: m.ContentType,
		Content: m.Text, Metadata: m.Metadata(), FromPhone: m.FromMe, AltPlatformCustomerID: m.LID,
		PendingMedia: pendingMedia(m), ReplyToExternalID: m.QuotedID}
	if m.PushName != "" && !m.FromMe { // on a phone-sent message it is the business's own name
		name := m.PushName
		in.From.FullName = &name
	}
	if phone := sessions.WhatsAppPhone(m.Chat); phone != "" {
		in.From.Phone = &phone
	}
	if !m.Timestamp.IsZero() {
		ts := m.Timestamp.UTC()
		in.Timestamp = &ts
	}
	return in
}

// receipt moves our messages to DELIVERED or READ in the chats they belong to.
func (s *whatsappSession) receipt(ctx actor.Context, e sessions.WAReceipt) {
	store, channelID, parent, root, log := s.store, s.channelID, ctx.Parent(), ctx.ActorSystem().Root, s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), s.dbTimeout())
		defer cancel()
		chats, err := store.ChatsOfOutbound(c, channelID, e.IDs)
		if err != nil {
			log.Warn("looking up the chats of a receipt", "err", err)
			return
		}
		for chatID, ids := range chats {
			root.Send(parent, &SendReport{ChatID: chatID, Change: persistence.StatusChange{PlatformMessageIDs: ids, Status: domain.MessageStatus(e.Status)}})
		}
	}()
}

// toggle switches the session on (connect) or off.
func (s *whatsappSession) toggle(ctx actor.Context, req *WAToggle) {
	if s.want {
		s.halt(ctx, ops.WAStatusDisconnected, "")
	} else {
		s.reconnects = 0
		s.start(ctx)
	}
	req.Done(ops.ToggleResult{ChannelID: s.channelID, Status: s.status}, nil)
}

// switchTo switches the session on or off as asked and answers with its status; unlike toggle, asking
// twice does the same as asking once.
func (s *whatsappSession) switchTo(ctx actor.Context, req *WAConnect) {
	switch {
	case req.On && !s.want:
		s.reconnects = 0
		s.start(ctx)
	case !req.On && s.want:
		s.halt(ctx, ops.WAStatusDisconnected, "")
	}
	req.Done(s.snapshot(true), nil)
}

// requestPairing answers with a pairing code once WhatsApp waits for one (connecting first if needed).
func (s *whatsappSession) requestPairing(ctx actor.Context, req *WAPairPhone) {
	switch {
	case s.status == ops.WAStatusConnected:
		req.Done(ops.PairPhoneResult{}, domain.Conflict("WhatsApp is already connected"))
	case s.status == ops.WAStatusWaitingQR:
		s.pairPhone(ctx, req)
	default:
		s.pairs = append(s.pairs, req)
		if !s.want {
			s.reconnects = 0
			s.start(ctx)
		}
	}
}

// pairPhone asks WhatsApp for a code the operator types on the phone instead of scanning the QR code.
func (s *whatsappSession) pairPhone(ctx actor.Context, req *WAPairPhone) {
	client, log := s.client, s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), s.waTimeout())
		defer cancel()
		code, err := client.PairPhone(c, req.Phone)
		if err != nil {
			log.Warn("WhatsApp refused a pairing code", "err", err)
			err = domain.BadRequest("WhatsApp refused a pairing code for this number: %v", err)
		}
		req.Done(ops.PairPhoneResult{Code: code}, err)
	}()
}

func (s *whatsappSession) failPairs(ctx actor.Context, reason string) {
	for _, req := range s.pairs {
		req.Done(ops.PairPhoneResult{}, &domain.Error{Code: domain.CodeUnavailable, Message: "cannot pair now: " + reason})
	}
	s.pairs = nil
}

// logout unlinks the device (deleting it from the store), with a client opened for it when none is.
func (s *whatsappSession) logout(ctx actor.Context, req *WALogout) {
	s.want = false
	s.gen = waSeq.Add(1)
	client := s.client
	s.client, s.clientID = nil, 0
	self, root := ctx.Self(), ctx.ActorSystem().Root
	factory, store, channelID, jid, log := s.node.Deps().Channels.WhatsApp, s.store, s.channelID, cmp.Or(s.device, s.jid), s.log
	hasDevice := s.hasDevice
	go func() {
		c, cancel := context.WithTimeout(context.Background(), s.waTimeout())
		defer cancel()
		var err error
		if client == nil && hasDevice && factory != nil {
			client, err = factory.Open(c, sessions.WAOpenRequest{ChannelID: channelID, DB: store.Pool, JID: jid, Log: log})
		}
		if client != nil {
			err = client.Logout(c)
			client.Close()
		}
		root.Send(self, &waLogoutDone{req: req, err: err})
	}()
}

func (s *whatsappSession) loggedOut(ctx actor.Context, msg *waLogoutDone) {
	if msg.err != nil {
		s.log.Error("WhatsApp logout failed", "err", msg.err)
		msg.req.Done(ops.WhatsAppStatus{}, msg.err)
		s.halt(ctx, ops.WAStatusError, "logout failed: "+msg.err.Error())
		return
	}
	s.hasDevice, s.jid, s.device = false, "", ""
	s.halt(ctx, ops.WAStatusLoggedOut, "")
	msg.req.Done(s.snapshot(false), nil)
}

// inboundUpdate hands a reaction, edit or revoke to the tenant and acknowledges it to WhatsApp once the
// change is committed (or there was nothing to change), like a message.
func (s *whatsappSession) inboundUpdate(ctx actor.Context, m *sessions.WAMessage) {
	at := m.Timestamp
	if at.IsZero() {
		at = time.Now()
	}
	fut := actor.NewFuture(ctx.ActorSystem(), 30*time.Second)
	ctx.Send(ctx.Parent(), &WAUpdateIn{ChannelID: s.channelID, Chat: m.Chat, FromMe: m.FromMe, Update: *m.Update, At: at.UTC(), ReplyTo: fut.PID()})
	log := s.log
	go func() {
		res, err := fut.Result()
		if err == nil {
			err = node.Failed(res)
		}
		if err != nil {
			log.Warn("WhatsApp message change not stored; WhatsApp will deliver it again", "whatsapp_id", m.ID, "err", err)
		}
		m.Done(err == nil)
	}()
}
