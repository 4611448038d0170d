package tenant

import (
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/media"
	"github.com/aezen/engine/media/pgstore"
)

// uploadIdle is how long an upload may wait for its next piece before it is dropped.
const uploadIdle = 30 * time.Second

// openMedia gives the tenant its media store: the default one, in the tenant's own database.
func (t *tenantActor) openMedia(pool *pgxpool.Pool) {
	cfg := t.node.Deps().Config
	t.media = pgstore.New(pool)
	t.uploads = media.NewUploads(uploadIdle)
	t.signer = media.NewSigner(cfg.JWTSecret, cfg.MediaURLTTL, cfg.PublicURL)
	tenantID, signer := t.tenantID, t.signer
	t.store.MediaURL = func(id uuid.UUID) string { return signer.URL(tenantID, id, time.Now()) }
}
