package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/valyala/fasthttp"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sync/errgroup"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/persistence"
)

// benchPassword is every bench user's password; its hash uses bcrypt's minimum cost so that logins are cheap.
const benchPassword = "bench-password-1"

// env is what every phase shares: the server, the bench's master database, the template tenant database,
// the engine under test and the tenants provisioned so far.
type env struct {
	opts      Options
	serverURL string
	prefix    string // aezen_bench_<hex>: names of the master and template databases
	cfg       *config.Config
	log       *slog.Logger
	server    *pgxpool.Pool // maintenance database: CREATE/DROP DATABASE, pg_stat_activity
	master    *persistence.Master
	template  string
	hash      string

	eng     *engine.Engine
	ln      net.Listener
	baseURL string
	hook    *webhookReceiver
	cpu     *cpuMeter

	mu        sync.Mutex
	databases []string // tenant databases created, dropped at the end
	tenants   []*tenant
}

// tenant is one provisioned tenant and what the bench knows about it.
type tenant struct {
	id      uuid.UUID
	db      string
	userID  uuid.UUID
	email   string
	token   string
	channel uuid.UUID
	secret  string // the API channel's webhook secret, for signed inbound calls
	chats   []uuid.UUID
}

func newEnv(ctx context.Context, opts Options, serverURL string) (*env, error) {
	e := &env{opts: opts, serverURL: serverURL, prefix: "aezen_bench_" + randomHex(5)}
	e.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	cfg := config.Defaults()
	cfg.DatabaseURL = serverURL
	cfg.MasterDB = e.prefix
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.JWTSecret = randomHex(32)
	cfg.EncryptionKey = base64.StdEncoding.EncodeToString([]byte(randomHex(16)))
	cfg.OpsToken = randomHex(16)
	cfg.DataDir = os.TempDir()
	// The fan-out phase connects many clients with each tenant owner's one token.
	cfg.WSMaxPerUser, cfg.WSMaxPerTenant = 1_000_000, 1_000_000
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e.cfg = cfg
	pcfg, err := pgxpool.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pcfg.MaxConns = 8
	if e.server, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return nil, err
	}
	if err := e.server.Ping(ctx); err != nil {
		e.server.Close()
		return nil, fmt.Errorf("PostgreSQL at DATABASE_URL does not answer: %w", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(benchPassword), bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	e.hash = string(hash)
	admin, err := persistence.NewAdmin(ctx, serverURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if e.master, err = persistence.OpenMaster(ctx, admin, serverURL, cfg.MasterDB, 8); err != nil {
		return nil, err
	}
	// Every tenant database is a copy of one migrated template: CREATE DATABASE ... TEMPLATE copies files
	// instead of running the migrations again.
	e.template = e.prefix + "_tpl"
	if _, err := e.server.Exec(ctx, "CREATE DATABASE "+e.template); err != nil {
		return nil, err
	}
	if err := persistence.MigrateDatabase(ctx, serverURL, e.template, persistence.TenantSchema); err != nil {
		return nil, err
	}
	e.hook, err = startWebhookReceiver()
	return e, err
}

// startEngine starts a node and its HTTP server on a loopback port, with dbMaxConns as AEZEN_DB_MAX_CONNS.
func (e *env) startEngine(ctx context.Context, dbMaxConns int) error {
	cfg := *e.cfg
	cfg.DBMaxConns = dbMaxConns
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
	e.eng, e.ln, e.baseURL = eng, ln, "http://"+ln.Addr().String()
	return nil
}

func (e *env) stopEngine() {
	if e.eng != nil {
		e.eng.Stop()
		e.eng = nil
	}
}

// provision inserts n tenants (and their owners) into the master database; with databases, it also creates
// each tenant's database from the template, 8 at a time, and with checkpoint runs a CHECKPOINT after (the
// messaging phases measure throughput, not the aftermath of copying databases; the tenants phase does not).
func (e *env) provision(ctx context.Context, n int, databases, checkpoint bool) ([]*tenant, error) {
	list := make([]*tenant, n)
	for i := range list {
		id := uuid.Must(uuid.NewV7())
		list[i] = &tenant{id: id, db: persistence.TenantDatabaseName(id), userID: uuid.Must(uuid.NewV7()),
			email: "owner-" + id.String() + "@bench.example"}
	}
	for start := 0; start < n; start += 1000 {
		chunk := list[start:min(n, start+1000)]
		ids, names, dbs, users, emails := make([]uuid.UUID, len(chunk)), make([]string, len(chunk)),
			make([]string, len(chunk)), make([]uuid.UUID, len(chunk)), make([]string, len(chunk))
		for i, t := range chunk {
			ids[i], names[i], dbs[i], users[i], emails[i] = t.id, "Bench "+t.id.String()[:8], t.db, t.userID, t.email
		}
		err := e.master.InTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO tenants (tenant_id, name, database_name, status)
				SELECT * , 'ACTIVE' FROM unnest($1::uuid[], $2::text[], $3::text[])`, ids, names, dbs); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO users (user_id, tenant_id, email, hashed_password, role, business_name)
				SELECT u, t, m, $4, 'OWNER', n FROM unnest($1::uuid[], $2::uuid[], $3::text[], $5::text[]) AS x(u, t, m, n)`,
				users, ids, emails, e.hash, names)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("inserting tenants: %w", err)
		}
	}
	if databases {
		if err := e.createDatabases(ctx, list); err != nil {
			return nil, err
		}
		if checkpoint {
			// Copying databases writes their files to the WAL; checkpoint now rather than during a measurement.
			_, _ = e.server.Exec(ctx, "CHECKPOINT")
		}
	}
	e.mu.Lock()
	e.tenants = append(e.tenants, list...)
	e.mu.Unlock()
	return list, nil
}

func (e *env) createDatabases(ctx context.Context, list []*tenant) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, t := range list {
		g.Go(func() error {
			if _, err := e.server.Exec(gctx, "CREATE DATABASE "+pgx.Identifier{t.db}.Sanitize()+" TEMPLATE "+e.template); err != nil {
				return fmt.Errorf("creating %s: %w", t.db, err)
			}
			// Sign-up connects to a new tenant database to migrate it; do the same, so that a "cold" tenant
			// is one whose database has been used before (PostgreSQL builds a database's relation cache
			// file on its first connection).
			if err := persistence.MigrateDatabase(gctx, e.serverURL, t.db, persistence.TenantSchema); err != nil {
				return fmt.Errorf("migrating %s: %w", t.db, err)
			}
			e.mu.Lock()
			e.databases = append(e.databases, t.db)
			e.mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// vacuum runs VACUUM (ANALYZE) in each tenant's database, 8 at a time, ignoring failures.
func (e *env) vacuum(ctx context.Context, list []*tenant) {
	g := errgroup.Group{}
	g.SetLimit(8)
	for _, t := range list {
		g.Go(func() error {
			url, err := persistence.WithDatabase(e.serverURL, t.db)
			if err != nil {
				return nil
			}
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				return nil
			}
			defer conn.Close(context.Background())
			_, _ = conn.Exec(ctx, "VACUUM (ANALYZE)")
			return nil
		})
	}
	_ = g.Wait()
}

// waitAutovacuum waits (up to limit) until no autovacuum worker runs on the bench server and says how long
// it waited.
func (e *env) waitAutovacuum(ctx context.Context, limit time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < limit && ctx.Err() == nil {
		var n int
		err := e.server.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`).Scan(&n)
		if err != nil || n == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// checkpoint runs CHECKPOINT on the bench server and waits for it: the writes made so far are flushed and
// synced now rather than by a checkpoint that would run during the next measurement.
func (e *env) checkpoint(ctx context.Context) error {
	_, err := e.server.Exec(ctx, "CHECKPOINT")
	return err
}

// cleanup stops the engine and drops every database the bench created.
func (e *env) cleanup() error {
	e.stopEngine()
	if e.hook != nil {
		// The engine's webhook client keeps idle keep-alive connections to the receiver; do not wait for them.
		c, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = e.hook.srv.ShutdownWithContext(c)
		cancel()
	}
	if e.master != nil {
		e.master.Close()
	}
	failed := e.dropAll(append(e.databases, e.template, e.prefix))
	e.server.Close()
	if failed > 0 {
		return fmt.Errorf("%d bench databases could not be dropped (names start with %s or aezen_t_)", failed, e.prefix)
	}
	return nil
}

// dropAll drops the databases (WITH FORCE, 8 at a time) and returns how many could not be dropped.
func (e *env) dropAll(names []string) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var failed atomic.Int64
	g := errgroup.Group{}
	g.SetLimit(8)
	for _, db := range names {
		g.Go(func() error {
			if _, err := e.server.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
				failed.Add(1)
			}
			return nil
		})
	}
	_ = g.Wait()
	return failed.Load()
}

// webhookReceiver plays the integrations behind API channels: it accepts every delivery.
type webhookReceiver struct {
	srv   *fasthttp.Server
	url   string
	calls atomic.Int64
}

func startWebhookReceiver() (*webhookReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w := &webhookReceiver{url: "http://" + ln.Addr().String() + "/hook"}
	w.srv = &fasthttp.Server{Handler: func(c *fasthttp.RequestCtx) { w.calls.Add(1) }, Name: "bench-webhook"}
	go asLoad(func() { _ = w.srv.Serve(ln) }) // its connection goroutines inherit the label
	return w, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var errSkipped = errors.New("skipped")
