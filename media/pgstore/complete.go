package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
)

const (
	// sqlCompleteMedia points a media row that is not READY yet at its bytes; it changes nothing for a row a
	// concurrent completion made READY first.
	sqlCompleteMedia = `UPDATE media SET blob_id = $2, state = 'READY', error = NULL WHERE media_id = $1 AND state <> 'READY'
		RETURNING created_at`
	sqlFailMedia = `UPDATE media SET state = 'FAILED', error = $2 WHERE media_id = $1 AND state = 'PENDING'`
)

// Complete streams r into a new blob (or finds the same bytes stored already) and makes the PENDING media row
// id READY on it; the row keeps its id, type and name.
func (s *Store) Complete(ctx context.Context, id uuid.UUID, r io.Reader, maxBytes int64) (media.Object, error) {
	obj, err := s.Stat(ctx, id)
	if err != nil || obj.State == media.StateReady {
		return obj, err
	}
	if maxBytes > 0 {
		r = media.LimitReader(r, maxBytes)
	}
	blobID := uuid.Must(uuid.NewV7())
	if _, err := s.pool.Exec(ctx, sqlNewBlob, blobID, media.ChunkSize); err != nil {
		return media.Object{}, fmt.Errorf("starting a media blob: %w", err)
	}
	sum, size, err := s.writeChunks(ctx, blobID, r)
	if err != nil {
		s.drop(blobID)
		return media.Object{}, err
	}
	raced := false
	record := func(tx pgx.Tx, target uuid.UUID) (time.Time, error) {
		var created time.Time
		err := tx.QueryRow(ctx, sqlCompleteMedia, id, target).Scan(&created)
		if errors.Is(err, pgx.ErrNoRows) {
			raced = true // completed by someone else meanwhile: this copy is not needed
			return created, nil
		}
		return created, err
	}
	for attempt := 0; ; attempt++ {
		_, err = s.seal(ctx, blobID, sum, size, record)
		var pgErr *pgconn.PgError
		if err != nil && errors.As(err, &pgErr) && pgErr.Code == "23505" && attempt == 0 {
			continue
		}
		break
	}
	if err != nil || raced {
		s.drop(blobID)
	}
	if err != nil {
		return media.Object{}, fmt.Errorf("recording media: %w", err)
	}
	return s.Stat(ctx, id)
}

// Fail marks a PENDING media row FAILED with reason; a row in another state is left as it is.
func (s *Store) Fail(ctx context.Context, id uuid.UUID, reason string) error {
	tag, err := s.pool.Exec(ctx, sqlFailMedia, id, reason)
	if err == nil && tag.RowsAffected() == 0 {
		if _, err = s.Stat(ctx, id); err == nil {
			return domain.Conflict("media %s is not pending", id)
		}
	}
	return err
}
