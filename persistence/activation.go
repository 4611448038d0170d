package persistence

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// sqlMoveFenceIfCurrent is sqlMoveFence for a database already at the schema version $2 (the version is
	// read in the same statement, so an older database is left for the migrations first).
	sqlMoveFenceIfCurrent = `UPDATE activation_fence SET epoch = $1
		WHERE epoch < $1 AND (SELECT version FROM ` + versionTable + `) = $2`
	// sqlWhatsAppToRestore lists the active WhatsApp numbers with their metadata, from which the tenant
	// actor picks those to connect again.
	sqlWhatsAppToRestore = `SELECT channel_id, metadata FROM channels WHERE platform_type = 'WHATSAPP' AND is_active
		ORDER BY created_at, channel_id LIMIT 1000`
)

// ActivationStart is what a tenant activation learns from its database in the round trip that moves the
// fence (StartActivation).
type ActivationStart struct {
	// Moved is false when a newer activation's epoch is in the fence already.
	Moved    bool
	Settings Settings
}

// ResumeReads are what a tenant reads right after its activation to resume what the previous one left
// (TenantStore.ResumeReads): channels with messages in the outbox, the snoozes that ended while the tenant
// slept and the next one, whether an event webhook endpoint is active, the active WhatsApp numbers with
// their metadata.
type ResumeReads struct {
	PendingChannels []uuid.UUID
	Snoozes         SnoozeScan
	Webhooks        bool
	WhatsApp        []ChannelMeta
}

// ChannelMeta is a channel's id and metadata.
type ChannelMeta struct {
	ChannelID uuid.UUID
	Metadata  json.RawMessage
}

// StartActivation checks that a tenant database is at the latest schema version, moves its activation
// fence to epoch and reads the settings, in one pipelined batch (one implicit transaction) on the
// activation's connection (issue 17, cold activation: these were five round trips: the epoch cleared, the
// version read, the epoch reset, the fence, the settings). current is false when the database is not at
// the latest schema version: then nothing was done, and the caller migrates (MigrateTenantUnfenced) and
// calls it again.
func StartActivation(ctx context.Context, conn *pgx.Conn, epoch int64) (reads ActivationStart, current bool, err error) {
	latest := tenantLatest()
	var version int32
	b := &pgx.Batch{}
	b.Queue("SELECT version FROM " + versionTable).QueryRow(func(r pgx.Row) error { return r.Scan(&version) })
	b.Queue(sqlMoveFenceIfCurrent, epoch, latest).Exec(func(ct pgconn.CommandTag) error {
		reads.Moved = ct.RowsAffected() == 1
		return nil
	})
	st := &reads.Settings
	b.Queue(sqlGetSettings).QueryRow(func(r pgx.Row) error {
		return r.Scan(&st.AgentVisibility, &st.AutoAssign.Enabled, &st.AutoAssign.MaxOpenPerAgent, &st.UpdatedAt)
	})
	err = conn.SendBatch(ctx, b).Close()
	if version != latest {
		// An older database (or a new one without the version table): the statements after the first may
		// not fit its schema, and the batch's transaction rolled back whatever ran.
		return ActivationStart{}, false, nil
	}
	if err != nil {
		return ActivationStart{}, true, translate(err, "settings")
	}
	return reads, true, nil
}

// tenantLatest is TenantSchema.LatestVersion, read from the embedded files once.
var tenantLatest = sync.OnceValue(TenantSchema.LatestVersion)

// queueResumeReads queues the reads of ResumeReads.
func queueResumeReads(b *pgx.Batch, reads *ResumeReads) {
	b.Queue(sqlChannelsWithPending).Query(func(rows pgx.Rows) error {
		var err error
		reads.PendingChannels, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		return err
	})
	b.Queue(sqlSnoozeScan).QueryRow(func(r pgx.Row) error { return r.Scan(&reads.Snoozes.Due, &reads.Snoozes.Next) })
	b.Queue(sqlHasActiveWebhooks).QueryRow(func(r pgx.Row) error { return r.Scan(&reads.Webhooks) })
	b.Queue(sqlWhatsAppToRestore).Query(func(rows pgx.Rows) error {
		var err error
		reads.WhatsApp, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ChannelMeta, error) {
			var c ChannelMeta
			return c, r.Scan(&c.ChannelID, &c.Metadata)
		})
		return err
	})
}

// ResumeReads reads what an activation resumes, in one round trip (issue 17: these were three or four,
// one after the other, holding the tenant's connection): after the activation, and again when an active
// tenant found sends pending when it meant to passivate.
func (s *TenantStore) ResumeReads(ctx context.Context) (ResumeReads, error) {
	var reads ResumeReads
	b := &pgx.Batch{}
	queueResumeReads(b, &reads)
	err := s.Pool.SendBatch(ctx, b).Close()
	return reads, err
}
