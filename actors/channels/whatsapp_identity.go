package channels

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/media"
)

// waAvatarRefresh is how often a customer's profile picture is looked at again: on their first message,
// then on a message at least this long after the last look (never on every message: WhatsApp watches
// lookups, and pictures change rarely).
const waAvatarRefresh = 24 * time.Hour

// waAvatarDue asks the session to look at a customer's profile picture (after one of their messages).
type waAvatarDue struct{ jid string }

// avatarDue fetches a customer's profile picture off the mailbox when their turn has come. The turn is
// claimed in the database (one look per customer per waAvatarRefresh, whatever the messages or nodes), so
// nothing is kept here. An unchanged picture downloads nothing; a new one goes into the media store and
// becomes the customer's avatarUrl; a removed or hidden one clears it. Either way the customer's chats are
// reloaded (queries.ReloadChat): their conversation actors read the picture when they started, often before
// it was fetched, and their events would show the customer without it.
func (s *whatsappSession) avatarDue(ctx actor.Context, msg *waAvatarDue) {
	if s.client == nil || s.status != ops.WAStatusConnected {
		return
	}
	client, store, channelID, log, jid := s.client, s.store, s.channelID, s.log, msg.jid
	root, tenant := ctx.ActorSystem().Root, ctx.Parent()
	timeout, maxBytes := s.waTimeout(), s.node.Deps().Config.MediaMaxBytes
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		known, due, err := store.ClaimAvatarCheck(c, channelID, jid, waAvatarRefresh)
		if err != nil || !due {
			return
		}
		pic, err := client.ProfilePicture(c, jid, known)
		if err != nil {
			log.Info("could not look at a customer's profile picture", "err", err)
			return
		}
		var chats []uuid.UUID
		switch {
		case pic == nil: // unchanged
			return
		case pic.ID == "" || len(pic.Data) == 0:
			chats, err = store.SetAvatar(c, channelID, jid, "", nil)
		case store.Media == nil:
			return
		default:
			var obj media.Object
			obj, err = store.Media.Put(c, bytes.NewReader(pic.Data), media.PutInput{MimeType: http.DetectContentType(pic.Data),
				FileName: "avatar.jpg", MaxBytes: maxBytes})
			if err == nil {
				chats, err = store.SetAvatar(c, channelID, jid, pic.ID, &obj.MediaID)
			}
		}
		if err != nil {
			log.Warn("storing a customer's profile picture", "err", err)
			return
		}
		for _, chatID := range chats {
			root.Send(tenant, &queries.ReloadChat{ChatID: chatID})
		}
	}()
}
