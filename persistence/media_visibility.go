package persistence

import (
	"context"

	"github.com/google/uuid"
)

// sqlMediaVisibleTo: a file no message carries yet (an upload not sent) is the tenant's; a file that messages
// carry is visible when one of them is in a conversation assigned to the user or to nobody.
const sqlMediaVisibleTo = `SELECT NOT EXISTS (SELECT 1 FROM messages WHERE media_id = $1)
	OR EXISTS (SELECT 1 FROM messages m JOIN chats c ON c.chat_id = m.chat_id
		WHERE m.media_id = $1 AND (c.user_id IS NULL OR c.user_id = $2))`

// MediaVisibleTo reports whether a user who sees only their own and unassigned conversations may see a
// media object: when no message carries it yet, or one in such a conversation does.
func (s *TenantStore) MediaVisibleTo(ctx context.Context, mediaID, userID uuid.UUID) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, sqlMediaVisibleTo, mediaID, userID).Scan(&ok)
	return ok, translate(err, "media")
}
