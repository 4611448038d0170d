package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// react sets (or, with an empty emoji, takes back) the business's reaction to a message of this chat: one per
// message, as WhatsApp keeps one per account, so a team member's reaction replaces a colleague's.
func (c *conversationActor) react(ctx actor.Context, who domain.Viewer, in ops.ReactInput, done func(ops.Message, error)) {
	c.withMessage(ctx, in.MessageID, done, func(ctx actor.Context, m persistence.Message) {
		if m.SenderType == domain.SenderNote {
			done(ops.Message{}, domain.Conflict("an internal note takes no reactions"))
			return
		}
		c.change(ctx, m, persistence.MessageChange{Kind: persistence.ActionReaction, Value: in.Emoji, By: who.UserID.String()}, done)
	})
}

// edit changes the text of the team's TEXT message on the channel, within AEZEN_MESSAGE_EDIT_WINDOW of its
// sending; what it said before is kept in versions.
func (c *conversationActor) edit(ctx actor.Context, _ domain.Viewer, in ops.EditInput, done func(ops.Message, error)) {
	c.withMessage(ctx, in.MessageID, done, func(ctx actor.Context, m persistence.Message) {
		if err := c.changeable(m, "edited", c.node.Deps().Config.MessageEditWindow); err != nil {
			done(ops.Message{}, err)
			return
		}
		if m.ContentType != domain.ContentText {
			done(ops.Message{}, domain.Conflict("only text messages can be edited"))
			return
		}
		if m.Content == in.Content {
			c.store.SignMessage(&m)
			done(queries.MessageView(m), nil)
			return
		}
		c.change(ctx, m, persistence.MessageChange{Kind: persistence.ActionEdit, Value: in.Content}, done)
	})
}

// revoke deletes the team's message for everyone, within AEZEN_MESSAGE_REVOKE_WINDOW of its sending; the team
// still reads what it said.
func (c *conversationActor) revoke(ctx actor.Context, _ domain.Viewer, in ops.MessageRef, done func(ops.Message, error)) {
	c.withMessage(ctx, in.MessageID, done, func(ctx actor.Context, m persistence.Message) {
		if err := c.changeable(m, "deleted", c.node.Deps().Config.MessageRevokeWindow); err != nil {
			done(ops.Message{}, err)
			return
		}
		c.change(ctx, m, persistence.MessageChange{Kind: persistence.ActionRevoke}, done)
	})
}

// changeable checks that the team may edit or delete m now: its own sent message, not deleted, in time.
func (c *conversationActor) changeable(m persistence.Message, verb string, window time.Duration) error {
	switch {
	case m.SenderType != domain.SenderAgent:
		return domain.Conflict("only the team's own messages (AGENT) can be %s", verb)
	case m.RevokedAt != nil:
		return domain.Conflict("the message was deleted")
	case m.Status == string(domain.StatusPending) || m.Status == string(domain.StatusFailed):
		return domain.Conflict("the message is %s: only a sent message can be %s", m.Status, verb)
	case time.Since(m.Timestamp) > window:
		return domain.Conflict("the message can no longer be %s: that is possible for %s after it was sent", verb, window)
	}
	return nil
}

// withMessage reads a message of this chat off the mailbox; a message of another chat is not found.
func (c *conversationActor) withMessage(ctx actor.Context, id uuid.UUID, done func(ops.Message, error), then func(ctx actor.Context, m persistence.Message)) {
	store, chatID := c.store, c.chatID
	convAsync(c, ctx, func(cx context.Context) (persistence.Message, error) { return store.GetMessage(cx, id) },
		func(ctx actor.Context, m persistence.Message, err error) {
			if err == nil && m.ChatID != chatID {
				err = domain.NotFound("message")
			}
			if err != nil {
				done(ops.Message{}, err)
				return
			}
			then(ctx, m)
		})
}

// change commits a reaction, edit or revoke of the team's, answers with the message, tells those who may
// see the chat (message_updated) and, on WhatsApp, hands the change to the session (listed in
// message_actions in the same commit, so a restart does not lose it).
func (c *conversationActor) change(ctx actor.Context, m persistence.Message, ch persistence.MessageChange, done func(ops.Message, error)) {
	ch.MessageID, ch.ChatID, ch.At = m.MessageID, c.chatID, time.Now().UTC()
	ch.Send = c.conv.Platform == domain.PlatformWhatsApp && m.PlatformMessageID != nil && m.Status != string(domain.StatusFailed)
	if ch.Send {
		ch.ActionID = uuid.Must(uuid.NewV7())
	}
	out, changed := &persistence.Message{}, new(bool)
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueMessageChange(b, ch, out, changed) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.Message{}, err)
			return
		}
		if !*changed {
			done(ops.Message{}, domain.Conflict("the message changed meanwhile (it was deleted)"))
			return
		}
		c.store.SignMessage(out)
		view := queries.MessageView(*out)
		done(view, nil)
		c.publish(ops.EventMessageUpdated, view)
		c.previewChanged(*out, ch)
		if ch.Send {
			ctx.Send(ctx.Parent(), &channels.OutboundReady{ChannelID: c.conv.ChannelID, Platform: c.conv.Platform,
				Msg: channels.ActionOf(persistence.PendingAction{ActionID: ch.ActionID, MessageID: m.MessageID, ChatID: c.chatID,
					Kind: ch.Kind, Value: ch.Value, PlatformMessageID: *m.PlatformMessageID, SenderType: m.SenderType, To: c.recipient()})})
		}
	})
}

// channelUpdate is a change a channel reports to a message of this chat: the customer's reaction, edit or
// revoke, or the business's from its phone (FromMe).
type channelUpdate struct {
	message persistence.Message
	chat    string
	fromMe  bool
	update  sessions.WAUpdate
	at      time.Time
}

// applyUpdate commits a channel's change to a message, if it is one its author may make: the customer
// reacts to any message and edits or revokes their own; the phone reacts as PHONE and edits or revokes the
// business's. Anything else (another chat's address, a repeat that changes nothing) is answered without a
// change, so WhatsApp is acknowledged and does not deliver it again.
func (c *conversationActor) applyUpdate(ctx actor.Context, u channelUpdate, done func(ops.InboundResult, error)) {
	m := u.message
	res := ops.InboundResult{MessageID: m.MessageID, ChatID: c.chatID, Duplicate: true}
	own := m.SenderType == domain.SenderCustomer
	if u.fromMe {
		own = m.SenderType == domain.SenderAgent
	}
	ch := persistence.MessageChange{MessageID: m.MessageID, ChatID: c.chatID, At: u.at}
	switch {
	case u.chat != c.recipient() || m.SenderType == domain.SenderNote:
		done(res, nil)
		return
	case u.update.Kind == sessions.WAReaction:
		ch.Kind, ch.Value, ch.By = persistence.ActionReaction, u.update.Emoji, persistence.ByCustomer
		if u.fromMe {
			ch.By = persistence.ByPhone
		}
	case !own:
		done(res, nil)
		return
	case u.update.Kind == sessions.WAEdit:
		ch.Kind, ch.Value = persistence.ActionEdit, u.update.Text
	case u.update.Kind == sessions.WARevoke:
		ch.Kind = persistence.ActionRevoke
	default:
		done(res, fmt.Errorf("unknown message change %q", u.update.Kind))
		return
	}
	out, changed := &persistence.Message{}, new(bool)
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueMessageChange(b, ch, out, changed) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(res, err)
			return
		}
		res.Duplicate = !*changed
		done(res, nil)
		if *changed {
			c.store.SignMessage(out)
			c.publish(ops.EventMessageUpdated, queries.MessageView(*out))
			c.previewChanged(*out, ch)
		}
	})
}

// previewChanged follows an edit or revoke of the chat's newest message in the inbox's preview (the
// statement changed the stored one) and tells those who may see the chat.
func (c *conversationActor) previewChanged(m persistence.Message, ch persistence.MessageChange) {
	p := persistence.ChangedPreview(m, ch)
	if p == "" || m.SenderType == domain.SenderNote || c.conv.LastMessageAt == nil || !c.conv.LastMessageAt.Equal(m.Timestamp) {
		return
	}
	c.conv.LastMessage = &p
	c.publish(ops.EventConversationUpdated, c.view())
}
