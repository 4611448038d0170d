package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// channelInfo is what the tenant actor caches about a channel to accept inbound messages quickly.
type channelInfo struct {
	platform string
	secret   string
	active   bool
	// previous is the secret a rotation replaced; it verifies calls until previousUntil.
	previous      string
	previousUntil time.Time
}

// secrets are the secrets a signed call may be signed with at now: the channel's, and the one it replaced
// while the rotation's grace period (AEZEN_SECRET_ROTATION_GRACE) lasts.
func (c *channelInfo) secrets(now time.Time) []string {
	if c.previous != "" && now.Before(c.previousUntil) {
		return []string{c.secret, c.previous}
	}
	return []string{c.secret}
}

type contactKey struct {
	channelID  uuid.UUID
	platformID string
}

// inboundDone answers an inbound message once it is committed (or failed).
type inboundDone = func(ops.InboundResult, error)

// signedInbound answers ops.OpChannelInbound: an integration's signed inbound message.
func (t *tenantActor) signedInbound(ctx actor.Context, _ node.Caller, in ops.SignedInbound, done inboundDone) {
	t.withChannel(ctx, in.ChannelID, func(ctx actor.Context, info *channelInfo, err error) {
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		// The HMAC over a body of up to 1 MB, its decoding and checks run off the mailbox unless the body is
		// small (signed_calls.go).
		checkSigned(t, ctx, len(in.Body), func() (ops.InboundInput, error) {
			var msg ops.InboundInput
			err := t.verifySigned(info, in, &msg)
			if err == nil {
				err = checkInboundText(&msg)
			}
			return msg, err
		}, func(ctx actor.Context, msg ops.InboundInput, err error) {
			if err != nil {
				done(ops.InboundResult{}, err)
				return
			}
			if msg.Media != nil {
				t.storeInboundMedia(ctx, in.ChannelID, msg, done)
				return
			}
			t.acceptInbound(ctx, in.ChannelID, msg, done)
		})
	})
}

// checkInboundText refuses text a message must not carry (see domain.CheckText).
func checkInboundText(msg *ops.InboundInput) error {
	var bad []domain.FieldError
	if msg.Content == "" && msg.Media == nil {
		bad = append(bad, domain.FieldError{Field: "content", Message: "is required (or media)"})
	}
	bad = append(bad, domain.CheckText("content", &msg.Content)...)
	bad = append(bad, domain.CheckText("platformMessageId", &msg.PlatformMessageID)...)
	bad = append(bad, domain.CheckText("replyToExternalId", &msg.ReplyToExternalID)...)
	bad = append(bad, domain.CheckText("from.platformCustomerId", &msg.From.PlatformCustomerID)...)
	bad = append(bad, domain.CheckText("from.fullName", msg.From.FullName)...)
	if len(bad) > 0 {
		return domain.Invalid(bad...)
	}
	return nil
}

// verifySigned checks that a signed call comes from the API channel's owner and decodes its body into v.
func (t *tenantActor) verifySigned(info *channelInfo, in ops.SignedInbound, v any) error {
	if info.platform != domain.PlatformAPI {
		return domain.BadRequest("channel is not an API channel")
	}
	cfg := t.node.Deps().Config
	policy := sessions.SignaturePolicy{Tolerance: cfg.SignatureTolerance, AllowUntimed: cfg.SignatureLegacy}
	if err := sessions.VerifyCall(info.secrets(time.Now()), in.Body, in.Signature, in.Timestamp, time.Now(), policy); err != nil {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: err.Error()}
	}
	if !info.active {
		return domain.Forbidden("channel is not active")
	}
	dec := json.NewDecoder(bytes.NewReader(in.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return domain.BadRequest("malformed body: %v", err)
	}
	return domain.Validate(v)
}

// statusCallback answers ops.OpChannelStatus: an integration's signed delivery or read receipt.
func (t *tenantActor) statusCallback(ctx actor.Context, _ node.Caller, in ops.SignedInbound, done func(ops.StatusResult, error)) {
	t.withChannel(ctx, in.ChannelID, func(ctx actor.Context, info *channelInfo, err error) {
		if err != nil {
			done(ops.StatusResult{}, err)
			return
		}
		// The signature is checked off the mailbox (signed_calls.go), then the message looked up.
		var cb ops.StatusCallback
		store := t.store
		async(t, ctx, t.dbTimeout(), func(c context.Context) (persistence.Message, error) {
			if err := t.verifySigned(info, in, &cb); err != nil {
				return persistence.Message{}, err
			}
			return store.GetMessageByPlatformID(c, cb.PlatformMessageID)
		}, func(ctx actor.Context, m persistence.Message, err error) {
			if err != nil {
				done(ops.StatusResult{}, err)
				return
			}
			change := persistence.StatusChange{PlatformMessageIDs: []string{cb.PlatformMessageID}, Status: domain.MessageStatus(cb.Status)}
			t.toConversation(ctx, m.ChatID, chatRequest(ops.OpChannelStatus.Name(), change, func(c *conversationActor,
				ctx actor.Context, ch persistence.StatusChange, done func(ops.StatusResult, error)) {
				c.status(ctx, ch, false, done)
			}, done))
		})
	})
}

// channelLoad is a channel being loaded: the calls that wait for it, in arrival order, and whether the
// channel changed meanwhile (then the loaded facts answer the waiters but are not cached).
type channelLoad struct {
	waiting []func(ctx actor.Context, info *channelInfo, err error)
	stale   bool
}

// withChannel calls then with the cached facts about a channel, loading them off the mailbox on first use.
// Calls for a channel that is being loaded wait for it in order, so a channel's messages keep their order.
func (t *tenantActor) withChannel(ctx actor.Context, id uuid.UUID, then func(ctx actor.Context, info *channelInfo, err error)) {
	if info := t.channels[id]; info != nil {
		then(ctx, info, nil)
		return
	}
	if load := t.loading[id]; load != nil {
		load.waiting = append(load.waiting, then)
		return
	}
	load := &channelLoad{waiting: []func(actor.Context, *channelInfo, error){then}}
	t.loading[id] = load
	store := t.store
	async(t, ctx, t.dbTimeout(), func(c context.Context) (*channelInfo, error) {
		ch, err := store.GetChannel(c, id)
		if err != nil {
			return nil, err
		}
		sec, err := store.Secrets(ch)
		if err != nil {
			return nil, err
		}
		return &channelInfo{platform: ch.PlatformType, secret: sec.WebhookSecret, active: ch.IsActive,
			previous: sec.PreviousWebhookSecret, previousUntil: sec.PreviousSecretExpiresAt}, nil
	}, func(ctx actor.Context, info *channelInfo, err error) {
		delete(t.loading, id)
		if err == nil && !load.stale {
			t.channels[id] = info
		}
		for _, w := range load.waiting {
			w(ctx, info, err)
		}
	})
}

// acceptInbound finds or creates the customer's chat (see contacts.go) and hands the message to its
// conversation actor.
func (t *tenantActor) acceptInbound(ctx actor.Context, channelID uuid.UUID, msg ops.InboundInput, done inboundDone) {
	key := contactKey{channelID: channelID, platformID: msg.From.PlatformCustomerID}
	if alt := msg.AltPlatformCustomerID; alt != "" && alt != key.platformID {
		// The sender has another address (a LID): the first time this activation sees the pair, the contact
		// is resolved again, which merges a customer filed under the other address into this one.
		altKey := contactKey{channelID: channelID, platformID: alt}
		if !t.identities[altKey] {
			t.identities[altKey] = true
			delete(t.contacts, key)
			delete(t.contacts, altKey)
		}
	}
	if chatID, ok := t.contacts[key]; ok {
		t.deliverInbound(ctx, chatID, msg, done)
		return
	}
	t.resolveContact(ctx, key, msg, done)
}

// deliverInbound hands a message whose chat is known to the chat's conversation actor.
func (t *tenantActor) deliverInbound(ctx actor.Context, chatID uuid.UUID, msg ops.InboundInput, done inboundDone) {
	ts := time.Now().UTC()
	if msg.Timestamp != nil {
		ts = *msg.Timestamp
	}
	contentType := msg.ContentType
	if contentType == "" {
		contentType = domain.ContentText
	}
	nm := persistence.NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chatID,
		PlatformMessageID: msg.PlatformMessageID, ContentType: contentType, Content: msg.Content,
		Metadata: msg.Metadata, Timestamp: ts, MediaID: msg.StoredMediaID, FromPhone: msg.FromPhone,
		ReplyToPlatformID: msg.ReplyToExternalID, History: msg.History}
	if p := msg.PendingMedia; p != nil && msg.StoredMediaID == nil {
		id := p.MediaID
		nm.MediaID, nm.PendingMedia = &id, &persistence.PendingMedia{MimeType: p.MimeType, FileName: p.FileName}
	}
	t.toConversation(ctx, chatID, chatRequest("conversation.inbound", nm, (*conversationActor).inbound, done))
}

func (t *tenantActor) forgetChannel(ctx actor.Context, msg *queries.ChannelChanged) {
	delete(t.channels, msg.ChannelID)
	if load := t.loading[msg.ChannelID]; load != nil {
		load.stale = true
	}
	if t.waChannel == msg.ChannelID {
		t.waChannel = uuid.Nil
	}
	for k := range t.contacts {
		if k.channelID == msg.ChannelID {
			delete(t.contacts, k)
		}
	}
	if s := t.sessions[msg.ChannelID]; s != nil && (s.platform == domain.PlatformAPI || msg.Deleted) {
		ctx.Poison(s.pid)
	}
}
