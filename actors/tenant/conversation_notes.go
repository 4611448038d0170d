package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// maxMentions bounds the users one note may mention.
const maxMentions = 20

// note stores an internal note: never sent to a channel (it is not in the outbox and no session hears of
// it), never unread, and not the chat's last message. Those who may see the conversation hear note_added;
// each mentioned user (who must be on the team and able to see the conversation) hears mention.
func (c *conversationActor) note(ctx actor.Context, viewer domain.Viewer, in ops.NoteInput, done func(ops.NoteResult, error)) {
	mentions, err := c.checkMentions(in.Mentions)
	if err != nil {
		done(ops.NoteResult{}, err)
		return
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
		done(ops.NoteResult{Message: m}, nil)
		ev := ops.NoteEvent{ChatID: c.chatID, Message: m, AuthorID: author, Mentioned: mentions}
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

// checkMentions de-duplicates the mentioned users and makes sure each is on the team and may see this
// conversation (a mention must not reveal a conversation its reader could not open).
func (c *conversationActor) checkMentions(ids []uuid.UUID) ([]uuid.UUID, error) {
	out := slices.Compact(slices.SortedFunc(slices.Values(ids), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }))
	if len(out) > maxMentions {
		return nil, domain.InvalidField("mentions", "may name at most 20 users")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, id := range out {
		u, err := c.node.Deps().Master.GetUser(ctx, c.tenantID, id)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, domain.InvalidField("mentions", id.String()+" is not a member of this team")
		}
		if err != nil {
			return nil, err
		}
		if !(domain.Viewer{UserID: u.UserID, Role: u.Role}).CanSee(c.visibility.Get(), c.conv.Assignee) {
			return nil, domain.InvalidField("mentions", id.String()+" cannot see this conversation")
		}
	}
	return out, nil
}
