package persistence

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// MoveOptions tune MoveTenant.
type MoveOptions struct {
	// PGBin is the directory of pg_dump and pg_restore; empty: FindPGBin.
	PGBin string
	// Holder names the move in tenant_moves and tenant_leases (e.g. "move@host/pid").
	Holder string
	// TTL is how long the move's claim and lease last without renewal (renewed every TTL/3 meanwhile): if
	// the move dies, the tenant serves again from its old server after at most TTL.
	TTL time.Duration
	// StopTimeout bounds the wait for the tenant's active member to stop it and release its lease.
	StopTimeout time.Duration
	// KeepSource keeps the old database after the switch (it is dropped by default).
	KeepSource bool
	// Log hears each step; nil is silent.
	Log func(format string, args ...any)
}

// MoveReport says how a move went.
type MoveReport struct {
	From, To string
	// Stopping is from the claim to holding the tenant's lease: its member stopped it at the next lease
	// renewal and committed what its writer held.
	Stopping time.Duration
	// Copy is from holding the lease to the switch in the master database (fence, dump, restore, checks).
	Copy time.Duration
	// Paused bounds the write pause: from the claim (after which the tenant takes no new write once its
	// member sees the claim) to the switch, after which the next request activates it on the new server.
	Paused time.Duration
	// Transfer is the pg_dump | pg_restore part of Copy, Verify the row counts.
	Transfer, Verify time.Duration
	// Indexes is the time to build the deferred indexes on the new server after the switch (the tenant
	// serves meanwhile), DeferredIndexes how many there were.
	Indexes         time.Duration
	DeferredIndexes int
	// Rows counts the rows copied, per table (checked equal on both sides).
	Rows map[string]int64
}

// MoveChannel is the master database's notification channel of tenant moves: the payload is the tenant
// id, and the member holding its lease stops it at once (node.moveLoop).
const MoveChannel = "aezen_tenant_moves"

// ErrMoveUnderWay is a second move of a tenant whose move has not ended or expired.
var ErrMoveUnderWay = errors.New("a move of this tenant is under way")

const (
	sqlClaimMove = `INSERT INTO tenant_moves (tenant_id, target, holder, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))
		ON CONFLICT (tenant_id) DO UPDATE SET target = EXCLUDED.target, holder = EXCLUDED.holder,
			started_at = now(), expires_at = EXCLUDED.expires_at
		WHERE tenant_moves.expires_at <= now()
		RETURNING started_at`
	sqlRenewMove = `UPDATE tenant_moves SET expires_at = now() + make_interval(secs => $3) WHERE tenant_id = $1 AND holder = $2`
	sqlEndMove   = `DELETE FROM tenant_moves WHERE tenant_id = $1 AND holder = $2`
)

// MoveTenant moves a tenant's database to the server named target with a short write pause, nothing
// lost: (1) it claims the move in the master database, so that the tenant's lease is given to no activation
// and the member where the tenant is active stops it at its next lease renewal (its writer commits what it
// holds and the lease is released); (2) it takes the tenant's lease itself, which moves the old database's
// activation fence so that no older activation can write there any more; (3) it copies the database with
// pg_dump | pg_restore in one transaction and checks every table's row count on both sides; (4) it records
// the new server, ends the claim and releases its lease in one master transaction: the next request
// activates the tenant on the new server. Requests meanwhile wait (Call retries a tenant that is elsewhere)
// rather than fail, within AEZEN_REQUEST_TIMEOUT. On any failure before the switch the tenant stays on its
// old server and the partial copy is dropped. The old database is dropped after the switch unless
// KeepSource.
func MoveTenant(ctx context.Context, master *Master, servers *Servers, tenantID uuid.UUID, target string, opt MoveOptions) (rep MoveReport, err error) {
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if opt.TTL <= 0 {
		opt.TTL = 15 * time.Second
	}
	if opt.StopTimeout <= 0 {
		opt.StopTimeout = 20 * time.Second
	}
	if opt.Holder == "" {
		host, _ := os.Hostname()
		opt.Holder = fmt.Sprintf("move@%s/%d", host, os.Getpid())
	}
	bin := opt.PGBin
	if bin == "" {
		if bin, err = FindPGBin(); err != nil {
			return rep, err
		}
	}
	tenant, err := master.GetTenant(ctx, tenantID)
	if err != nil {
		return rep, err
	}
	src, err := servers.Get(tenant.Server)
	if err != nil {
		return rep, err
	}
	dst, err := servers.Get(target)
	if err != nil {
		return rep, err
	}
	if src.Name == dst.Name {
		return rep, fmt.Errorf("tenant %s is on server %s already", tenantID, target)
	}
	rep.From, rep.To = src.Name, dst.Name

	// (1) Claim the move, and keep the claim (and later the lease) alive while it runs.
	var startedAt time.Time
	if err := master.Pool.QueryRow(ctx, sqlClaimMove, tenantID, target, opt.Holder, opt.TTL.Seconds()).Scan(&startedAt); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return rep, ErrMoveUnderWay
		}
		return rep, fmt.Errorf("claiming the move: %w", err)
	}
	claimed := time.Now()
	// Members stop the tenant on this notification; without it, at their next lease renewal.
	_, _ = master.Pool.Exec(ctx, `SELECT pg_notify($1, $2)`, MoveChannel, tenantID.String())
	logf("claimed the move of tenant %s from %s to %s; waiting for its member to stop it", tenantID, src.Name, dst.Name)
	moveCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var lease TenantLease
	leaseCh := make(chan TenantLease, 1)
	renewDone := make(chan struct{})
	go func() {
		defer close(renewDone)
		renewMove(moveCtx, master, tenantID, opt, leaseCh, cancel)
	}()
	switched := false
	defer func() {
		cancel(nil)
		<-renewDone
		if switched {
			return
		}
		// The tenant stays where it was: end the claim, release the lease, drop the partial copy.
		c, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer stop()
		_, _ = master.Pool.Exec(c, sqlEndMove, tenantID, opt.Holder)
		if lease.Epoch != 0 {
			_ = master.ReleaseTenantLease(c, tenantID, lease.Epoch)
		}
		_ = dst.Admin.DropDatabase(c, tenant.DatabaseName)
	}()

	// (2) Take the tenant's lease as soon as its member has released it.
	deadline := time.Now().Add(opt.StopTimeout)
	for {
		l, ok, err := master.AcquireTenantLease(moveCtx, tenantID, opt.Holder, opt.TTL)
		if err != nil {
			return rep, fmt.Errorf("taking the tenant's lease: %w", errors.Join(err, context.Cause(moveCtx)))
		}
		if ok {
			lease = l
			leaseCh <- l
			break
		}
		if time.Now().After(deadline) {
			return rep, fmt.Errorf("the tenant's lease was not released within %s; nothing was moved", opt.StopTimeout)
		}
		select {
		case <-moveCtx.Done():
			return rep, context.Cause(moveCtx)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if lease.Server != src.Name {
		return rep, fmt.Errorf("tenant %s moved to %s meanwhile", tenantID, lease.Server)
	}
	rep.Stopping = time.Since(claimed)
	logf("holding the tenant's lease (epoch %d) after %s; copying", lease.Epoch, rep.Stopping.Round(time.Millisecond))

	srcURL, err := WithDatabase(src.URL, tenant.DatabaseName)
	if err != nil {
		return rep, err
	}
	dstURL, err := WithDatabase(dst.URL, tenant.DatabaseName)
	if err != nil {
		return rep, err
	}
	srcConn, err := pgx.Connect(moveCtx, srcURL)
	if err != nil {
		return rep, fmt.Errorf("connecting to the tenant database on %s: %w", src.Name, err)
	}
	defer srcConn.Close(context.WithoutCancel(ctx))
	// The fence waits for the write transactions older activations still run, and refuses any later one.
	if moved, err := MoveFence(moveCtx, srcConn, lease.Epoch); err != nil || !moved {
		return rep, fmt.Errorf("moving the activation fence of the old database (moved %v): %w", moved, err)
	}

	// (3) Copy. A database left by an earlier failed move is dropped first. Indexes that enforce nothing
	// (not unique, no constraint) are left out of the copy and built after the switch, concurrently: the
	// full-text index alone took most of a copy's time, and they change no query's answer.
	deferred, err := deferrableIndexes(moveCtx, srcConn)
	if err != nil {
		return rep, err
	}
	if err := dst.Admin.DropDatabase(moveCtx, tenant.DatabaseName); err != nil {
		return rep, err
	}
	if _, err := dst.Admin.EnsureDatabase(moveCtx, tenant.DatabaseName); err != nil {
		return rep, fmt.Errorf("creating the database on %s: %w", dst.Name, err)
	}
	began := time.Now()
	if err := dumpRestore(moveCtx, bin, srcURL, dstURL, deferred); err != nil {
		return rep, err
	}
	rep.Transfer = time.Since(began)
	began = time.Now()
	dstConn, err := pgx.Connect(moveCtx, dstURL)
	if err != nil {
		return rep, err
	}
	defer dstConn.Close(context.WithoutCancel(ctx))
	if rep.Rows, err = compareRowCounts(moveCtx, srcConn, dstConn); err != nil {
		return rep, err
	}
	rep.Verify = time.Since(began)

	// (4) Switch.
	if err := master.SwitchTenantServer(moveCtx, tenantID, dst.Name, lease.Epoch); err != nil {
		return rep, fmt.Errorf("switching the tenant's server: %w", errors.Join(err, context.Cause(moveCtx)))
	}
	switched = true
	rep.Paused = time.Since(claimed)
	rep.Copy = rep.Paused - rep.Stopping
	logf("tenant %s now lives on %s (paused %s: stopping %s, copy %s); building %d indexes", tenantID, dst.Name,
		rep.Paused.Round(time.Millisecond), rep.Stopping.Round(time.Millisecond), rep.Copy.Round(time.Millisecond), len(deferred))
	srcConn.Close(context.WithoutCancel(ctx))
	began = time.Now()
	rep.DeferredIndexes = len(deferred)
	if err := buildIndexes(context.WithoutCancel(ctx), dstConn, deferred); err != nil {
		return rep, fmt.Errorf("tenant %s now lives on %s, but building its indexes there failed (the old database is kept; "+
			"build them by hand): %w", tenantID, dst.Name, err)
	}
	rep.Indexes = time.Since(began)
	logf("built %d indexes on %s in %s", len(deferred), dst.Name, rep.Indexes.Round(time.Millisecond))
	if !opt.KeepSource {
		if err := src.Admin.DropDatabase(context.WithoutCancel(ctx), tenant.DatabaseName); err != nil {
			logf("warning: the old database %s on %s was not dropped: %v", tenant.DatabaseName, src.Name, err)
		}
	}
	return rep, nil
}

// renewMove keeps the move's claim, and once taken its lease, from expiring until ctx ends; a claim or lease
// found lost cancels the move.
func renewMove(ctx context.Context, master *Master, tenantID uuid.UUID, opt MoveOptions, leaseCh <-chan TenantLease, cancel context.CancelCauseFunc) {
	tick := time.NewTicker(opt.TTL / 3)
	defer tick.Stop()
	var lease *TenantLease
	for {
		select {
		case <-ctx.Done():
			return
		case l := <-leaseCh:
			lease = &l
		case <-tick.C:
			tag, err := master.Pool.Exec(ctx, sqlRenewMove, tenantID, opt.Holder, opt.TTL.Seconds())
			if err == nil && tag.RowsAffected() != 1 {
				err = errors.New("the move's claim expired")
			}
			if err == nil && lease != nil {
				var renewed map[uuid.UUID]string
				renewed, err = master.RenewTenantLeases(ctx, opt.Holder, []HeldLease{{TenantID: tenantID, Epoch: lease.Epoch}}, opt.TTL)
				if _, ok := renewed[tenantID]; err == nil && !ok {
					err = errors.New("the move's lease expired")
				}
			}
			if err != nil && ctx.Err() == nil {
				cancel(fmt.Errorf("renewing the move: %w", err))
				return
			}
		}
	}
}

// index is one index of the copied database, by name, with its definition.
type index struct{ name, def string }

// deferrableIndexes lists the indexes of the public schema that enforce nothing: not unique, not behind a
// constraint.
func deferrableIndexes(ctx context.Context, conn *pgx.Conn) ([]index, error) {
	rows, err := conn.Query(ctx, `SELECT i.relname, pg_get_indexdef(i.oid)
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
		WHERE n.nspname = 'public' AND NOT x.indisunique AND NOT x.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		ORDER BY (SELECT amname FROM pg_am WHERE oid = i.relam) = 'btree' DESC, i.relname`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var ix index
		err := r.Scan(&ix.name, &ix.def)
		return ix, err
	})
}

// buildIndexes creates the deferred indexes concurrently (the tenant writes meanwhile), B-trees first.
func buildIndexes(ctx context.Context, conn *pgx.Conn, list []index) error {
	for _, ix := range list {
		def, ok := strings.CutPrefix(ix.def, "CREATE INDEX ")
		if !ok {
			return fmt.Errorf("unexpected definition of index %s: %s", ix.name, ix.def)
		}
		if _, err := conn.Exec(ctx, "CREATE INDEX CONCURRENTLY "+def); err != nil {
			return fmt.Errorf("%s: %w", ix.def, err)
		}
	}
	return nil
}

// dumpRestore copies a database with pg_dump (custom format, into a temporary file) and pg_restore in one
// transaction (the target is either a whole copy or empty), leaving out the indexes named in skip.
func dumpRestore(ctx context.Context, bin, srcURL, dstURL string, skip []index) error {
	dir, err := os.MkdirTemp("", "aezen-move-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	archive, list := filepath.Join(dir, "db.dump"), filepath.Join(dir, "toc.list")
	if err := run(ctx, filepath.Join(bin, "pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
		"--file="+archive, "--dbname="+srcURL); err != nil {
		return err
	}
	toc, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_restore"), "--list", archive).Output()
	if err != nil {
		return fmt.Errorf("pg_restore --list: %w", err)
	}
	skipped := make(map[string]bool, len(skip))
	for _, ix := range skip {
		skipped[ix.name] = true
	}
	var kept []string
	for _, line := range strings.Split(string(toc), "\n") {
		// "<id>; <catalog oid> <oid> INDEX public <name> <owner>"
		if f := strings.Fields(line); len(f) >= 6 && f[3] == "INDEX" && f[4] == "public" && skipped[f[5]] {
			continue
		}
		kept = append(kept, line)
	}
	if err := os.WriteFile(list, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		return err
	}
	return run(ctx, filepath.Join(bin, "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
		"--single-transaction", "--use-list="+list, "--dbname="+dstURL, archive)
}

// run runs a command, returning its standard error with its failure.
func run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(name), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// compareRowCounts counts the rows of every table of the public schema on both sides and fails on any
// difference.
func compareRowCounts(ctx context.Context, src, dst *pgx.Conn) (map[string]int64, error) {
	rows, err := src.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(tables))
	for _, table := range tables {
		q := "SELECT count(*) FROM " + pgx.Identifier{"public", table}.Sanitize()
		var a, b int64
		if err := src.QueryRow(ctx, q).Scan(&a); err != nil {
			return nil, err
		}
		if err := dst.QueryRow(ctx, q).Scan(&b); err != nil {
			return nil, fmt.Errorf("table %s on the new server: %w", table, err)
		}
		if a != b {
			return nil, fmt.Errorf("table %s: %d rows on the old server, %d copied", table, a, b)
		}
		out[table] = a
	}
	return out, nil
}

// FindPGBin returns the directory of pg_dump and pg_restore: the newest /usr/lib/postgresql/<major>/bin that
// has both, else the directory of pg_dump on $PATH. pg_dump must be at least the servers' major version.
func FindPGBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) < majorOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if executable(filepath.Join(dirs[i], "pg_dump")) && executable(filepath.Join(dirs[i], "pg_restore")) {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pg_dump and pg_restore not found (install the PostgreSQL client, or set AEZEN_PG_BIN)")
}

func majorOf(dir string) int {
	var n int
	_, _ = fmt.Sscanf(filepath.Base(filepath.Dir(dir)), "%d", &n)
	return n
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
