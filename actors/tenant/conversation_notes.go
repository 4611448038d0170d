package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// maxMentions bounds the users one note may mention.
const maxMentions = 20

// note stores an internal note: never sent to a channel (it is not in the outbox and no session hears of
// it), never unread, and not the chat's last message. Those who may see the conversation hear note_added;
// each mentioned user (who must be on the team and able to see the conversation) hears mention. The
// mentioned users are read from the master database off the mailbox.
func (c *conversationActor) note(ctx actor.Context, viewer domain.Viewer, in ops.NoteInput, done func(ops.NoteResult, error)) {
	ids := slices.Compact(slices.SortedFunc(slices.Values(in.Mentions), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }))
	if len(ids) > maxMentions {
		done(ops.NoteResult{}, domain.InvalidField("mentions", "may name at most 20 users"))
		return
	}
	if len(ids) == 0 {
		c.commitNote(ctx, viewer, in, nil, done)
		return
	}
	tenantID, master := c.tenantID, c.node.Deps().Master
	convAsync(c, ctx, func(cx context.Context) ([]persistence.User, error) {
		users := make([]persistence.User, 0, len(ids))
		for _, id := range ids {
			u, err := master.GetUser(cx, tenantID, id)
			if errors.Is(err, domain.ErrNotFound) {
				return nil, domain.InvalidField("mentions", id.String()+" is not a member of this team")
			}
			if err != nil {
				return nil, err
			}
			users = append(users, u)
		}
		return users, nil
	}, func(ctx actor.Context, users []persistence.User, err error) {
		if err != nil {
			done(ops.NoteResult{}, err)
			return
		}
		c.commitNote(ctx, viewer, in, users, done)
	})
}

// commitNote writes the note once its mentions are known; whether each mentioned user may see the
// conversation is decided on the chat as it is now (a mention must not reveal a conversation its reader
// could not open).
func (c *conversationActor) commitNote(ctx actor.Context, viewer domain.Viewer, in ops.NoteInput, users []persistence.User,
	done func(ops.NoteResult, error)) {
	var mentions []uuid.UUID
	for _, u := range users {
		if !(domain.Viewer{UserID: u.UserID, Role: u.Role}).CanSee(c.visibility.Get(), c.conv.Assignee) {
			done(ops.NoteResult{}, domain.InvalidField("mentions", u.UserID.String()+" cannot see this conversation"))
			return
		}
		mentions = append(mentions, u.UserID)
	}
	var author *uuid.UUID
	if viewer.UserID != uuid.Nil {
		author = &viewer.UserID
	}
	meta, _ := json.Marshal(struct {
		AuthorID *uuid.UUID  `json:"authorId"`
		Mentions []uuid.UUID `json:"mentions"`
	}{author, mentions})
	n := persistence.NewNote{MessageID: uuid.Must(uuid.NewV7()), ChatID: c.chatID, Content: in.Content, Metadata: meta}
	var m persistence.Message
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueNote(b, n, &m) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.NoteResult{}, err)
			return
		}
		view := queries.MessageView(m)
		done(ops.NoteResult{Message: view}, nil)
		ev := ops.NoteEvent{ChatID: c.chatID, Message: view, AuthorID: author, Mentioned: mentions}
		c.publish(ops.EventNoteAdded, ev)
		if len(mentions) > 0 {
			who := &protos.Audience{OnlyListed: true}
			for _, id := range mentions {
				who.UserIds = append(who.UserIds, id.String())
			}
			c.node.PublishTo(c.tenantID, ops.EventMention, ev, who)
		}
	})
}
