package persistence

import (
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/media"
)

// TenantStore reads and writes one tenant's database. Its methods live in one file per entity.
type TenantStore struct {
	Pool   *pgxpool.Pool
	Cipher *Cipher
	// MediaURL signs a link to one of the tenant's media (set by the tenant at activation; nil leaves
	// links empty).
	MediaURL func(mediaID uuid.UUID) string
	// Media is the tenant's file store (set by the tenant at activation), for the channel sessions that
	// stream files to and from their platform.
	Media media.Store
}

// SignMessage fills the signed URL of a message's media.
func (s *TenantStore) SignMessage(m *Message) {
	if s != nil && s.MediaURL != nil && m != nil && m.Media != nil {
		m.Media.URL = s.MediaURL(m.Media.MediaID)
	}
}

// SignMessages fills the signed URL of the media of a list of messages.
func (s *TenantStore) SignMessages(list []Message) {
	for i := range list {
		s.SignMessage(&list[i])
	}
}

// NewTenantStore wraps a tenant pool.
func NewTenantStore(pool *pgxpool.Pool, c *Cipher) *TenantStore {
	return &TenantStore{Pool: pool, Cipher: c}
}
