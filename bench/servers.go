package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/persistence"
)

// ServersResult is the servers phase: tenants placed on two PostgreSQL servers, and a tenant with
// movedMessages messages moved from one to the other while a customer keeps writing to it.
type ServersResult struct {
	TenantsPerServer map[string]int `json:"tenantsPerServer"`
	MovedMessages    int64          `json:"movedMessages"`
	// PausedMs bounds the write pause as the move measured it: claim → switch. StoppingMs is claim → lease
	// (the member stopping the tenant at its next lease renewal), CopyMs lease → switch (dump, restore, checks).
	PausedMs   float64 `json:"pausedMs"`
	StoppingMs float64 `json:"stoppingMs"`
	CopyMs     float64 `json:"copyMs"`
	// TransferMs is the pg_dump | pg_restore part of the copy, VerifyMs the row counts on both sides.
	TransferMs float64 `json:"transferMs"`
	VerifyMs   float64 `json:"verifyMs"`
	// IndexesMs is the deferred (non-unique) indexes built after the switch, while the tenant serves.
	IndexesMs       float64 `json:"indexesAfterSwitchMs"`
	DeferredIndexes int     `json:"deferredIndexes"`
	// LongestWaitMs is the longest a customer message waited to be acknowledged across the move, as the
	// writer saw it; Acked messages were acknowledged during the run, Missing of them are not on the new
	// server (must be 0), Errors are messages that failed for good.
	LongestWaitMs float64 `json:"longestWaitMs"`
	Acked         int64   `json:"acked"`
	Missing       int64   `json:"missing"`
	Errors        int64   `json:"errors"`
	// RowsMatch: the new server holds movedMessages + the acknowledged ones.
	RowsMatch bool `json:"rowsMatch"`
}

const (
	serversTenants = 6
	movedMessages  = 100_000
)

// runServersPhase starts a node with a second server (BENCH_DATABASE_URL_2, started by make bench), signs up
// tenants (least-tenants placement), fills one with movedMessages messages and moves it with persistence.
// MoveTenant while a customer writes to it through the node.
func (e *env) runServersPhase(ctx context.Context, res *Results) (err error) {
	url2 := os.Getenv("BENCH_DATABASE_URL_2")
	if url2 == "" {
		return errors.New("BENCH_DATABASE_URL_2 is not set: run `make bench`, which starts a second durable PostgreSQL")
	}
	cfg := *e.cfg
	cfg.MasterDB = e.prefix + "_srv"
	cfg.DBServers = "second=" + url2
	cfg.SignupPerAddress, cfg.SignupGlobal = 1_000_000, 1_000_000
	eng, err := engine.Start(ctx, &cfg, e.log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		eng.Stop()
		return err
	}
	go func() { _ = eng.Server.App.Listener(ln) }()
	base := "http://" + ln.Addr().String()
	defer func() {
		eng.Stop()
		c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		servers, oerr := engine.OpenServers(c, &cfg)
		if oerr != nil {
			return
		}
		defer servers.Close()
		if list, lerr := persistence.OpenMasterExisting(c, mustWithDatabase(cfg.DatabaseURL, cfg.MasterDB)); lerr == nil {
			all, _ := list.ListTenants(c)
			list.Close()
			for _, t := range all {
				if srv, gerr := servers.Get(t.Server); gerr == nil {
					_ = srv.Admin.DropDatabase(c, t.DatabaseName)
				}
			}
		}
		def, _ := servers.Get(persistence.DefaultServer)
		_ = def.Admin.DropDatabase(c, cfg.MasterDB)
	}()

	say("servers: signing up %d tenants over two servers", serversTenants)
	var first struct {
		Token  string `json:"token"`
		Tenant struct {
			TenantID uuid.UUID `json:"tenantId"`
		} `json:"tenant"`
	}
	for i := range serversTenants {
		reg := first
		body := map[string]string{"email": fmt.Sprintf("srv-%d-%s@bench.example", i, randomHex(3)), "password": benchPassword,
			"businessName": "Servers " + strconv.Itoa(i)}
		if err := callJSON(ctx, "POST", base+"/api/auth/register", "", body, &reg); err != nil {
			return err
		}
		if i == 0 {
			first = reg
		}
	}
	out := &ServersResult{}
	res.Servers = out
	if out.TenantsPerServer, err = eng.Deps.Master.TenantsPerServer(ctx); err != nil {
		return err
	}
	moved, err := eng.Deps.Master.GetTenant(ctx, first.Tenant.TenantID)
	if err != nil {
		return err
	}
	var ch struct {
		ChannelID uuid.UUID `json:"channelId"`
	}
	if err := callJSON(ctx, "POST", base+"/api/channels", first.Token, map[string]any{"platformType": "API",
		"channelName": "bench", "webhookUrl": e.hook.url}, &ch); err != nil {
		return err
	}
	name := "Mover"
	in := func(id string) ops.InboundInput {
		return ops.InboundInput{PlatformMessageID: id, From: ops.InboundSender{PlatformCustomerID: "mover", FullName: &name},
			Content: "message " + id}
	}
	r, err := eng.Node.Ingest(ctx, moved.TenantID, ch.ChannelID, in("first"))
	if err != nil {
		return err
	}
	say("servers: filling tenant %s (on %s) with %d messages", moved.TenantID, moved.Server, movedMessages)
	srcServer, err := eng.Deps.Servers.Get(moved.Server)
	if err != nil {
		return err
	}
	src, err := pgx.Connect(ctx, mustWithDatabase(srcServer.URL, moved.DatabaseName))
	if err != nil {
		return err
	}
	_, err = src.Exec(ctx, `INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content, is_read)
		SELECT gen_random_uuid(), $1, 'bulk-' || g, 'CUSTOMER', 'Hi, is my order ' || g || ' on its way? Thanks!', true
		FROM generate_series(1, $2::int) g`, r.ChatID, movedMessages)
	if err == nil {
		_, err = src.Exec(ctx, "VACUUM (ANALYZE) messages")
	}
	src.Close(context.Background())
	if err != nil {
		return err
	}
	_ = e.checkpoint(ctx)

	// One customer writes without a break, a message at a time, through the move.
	var acked []string
	var worst time.Duration
	var errs atomic.Int64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := "live-" + strconv.Itoa(i)
			start := time.Now()
			for {
				_, err := eng.Node.Ingest(ctx, moved.TenantID, ch.ChannelID, in(id))
				if err == nil {
					mu.Lock()
					acked, worst = append(acked, id), max(worst, time.Since(start))
					mu.Unlock()
					break
				}
				if time.Since(start) > time.Minute || ctx.Err() != nil {
					errs.Add(1)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}()
	time.Sleep(time.Second)
	say("servers: moving it to the second server while a customer writes")
	rep, moveErr := persistence.MoveTenant(ctx, eng.Deps.Master, eng.Deps.Servers, moved.TenantID, "second",
		persistence.MoveOptions{PGBin: os.Getenv("AEZEN_PG_BIN")})
	time.Sleep(2 * time.Second)
	close(stop)
	<-done
	if moveErr != nil {
		return fmt.Errorf("moving the tenant: %w", moveErr)
	}
	out.MovedMessages = movedMessages
	out.PausedMs, out.StoppingMs, out.CopyMs = ms(rep.Paused), ms(rep.Stopping), ms(rep.Copy)
	out.TransferMs, out.VerifyMs = ms(rep.Transfer), ms(rep.Verify)
	out.IndexesMs, out.DeferredIndexes = ms(rep.Indexes), rep.DeferredIndexes
	out.LongestWaitMs, out.Acked, out.Errors = ms(worst), int64(len(acked)), errs.Load()

	dst, err := pgx.Connect(ctx, mustWithDatabase(url2, moved.DatabaseName))
	if err != nil {
		return err
	}
	defer dst.Close(context.Background())
	rows, err := dst.Query(ctx, `SELECT platform_message_id FROM messages WHERE platform_message_id LIKE 'live-%'`)
	if err != nil {
		return err
	}
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, id := range acked {
		if !slices.Contains(stored, id) {
			out.Missing++
		}
	}
	var total int64
	if err := dst.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&total); err != nil {
		return err
	}
	out.RowsMatch = total == movedMessages+1+int64(len(stored)) && len(stored) >= len(acked)
	return nil
}

func mustWithDatabase(serverURL, db string) string {
	u, err := persistence.WithDatabase(serverURL, db)
	if err != nil {
		panic(err)
	}
	return u
}

// print adds the phase's rows to the table.
func (s *ServersResult) print(row func(...string)) {
	row("servers", "tenants per server (least-tenants placement)", fmt.Sprintf("%v", s.TenantsPerServer))
	row("servers", fmt.Sprintf("move of a tenant with %s messages, a customer writing", thousands(float64(s.MovedMessages))),
		fmt.Sprintf("paused %.0f ms (stopping %.0f, copy %.0f of which dump|restore %.0f, counts %.0f); longest wait for an ack %.0f ms",
			s.PausedMs, s.StoppingMs, s.CopyMs, s.TransferMs, s.VerifyMs, s.LongestWaitMs))
	row("servers", fmt.Sprintf("  %d indexes built after the switch, the tenant serving", s.DeferredIndexes), fmt.Sprintf("%.0f ms", s.IndexesMs))
	row("servers", "  messages acknowledged across the move", fmt.Sprintf("%d acked, %d missing, %d failed, rows match: %v",
		s.Acked, s.Missing, s.Errors, s.RowsMatch))
}
