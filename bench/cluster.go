package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/persistence"
)

// ClusterResult is the cluster phase: the same kind of ingest as the ingest phase, through three members
// that are separate processes on this machine, then the time for a killed member's tenants to serve again.
type ClusterResult struct {
	Members        int `json:"members"`
	Tenants        int `json:"tenants"`
	ChatsPerTenant int `json:"chatsPerTenant"`
	// DBMaxConns is each member's AEZEN_DB_MAX_CONNS.
	DBMaxConns int `json:"dbMaxConns"`
	// StartSeconds is the time from launching the members until each answered /readyz and listed all of them.
	StartSeconds float64 `json:"startSeconds"`
	// SignUpSeconds is the time to sign the tenants up through the HTTP API and give each an API channel.
	SignUpSeconds float64 `json:"signUpSeconds"`
	// TenantsPerMember is where the tenants live, by member index.
	TenantsPerMember []int          `json:"tenantsPerMember"`
	Ingest           ClusterIngest  `json:"ingest"`
	Failover         *FailoverStats `json:"failover,omitempty"`
}

// ClusterIngest is the closed-loop ingest through the members' HTTP API.
type ClusterIngest struct {
	Producers     int     `json:"producers"`
	WindowSeconds float64 `json:"windowSeconds"`
	Messages      int64   `json:"messages"`
	PerSecond     float64 `json:"messagesPerSecond"`
	Errors        int64   `json:"errors"`
	Frames        int64   `json:"frames"`
	// CrossMember is the share of requests sent to a member that does not host the message's tenant.
	CrossMember float64 `json:"crossMemberShare"`
	// ToAck is arrival → 202 (committed); ToFrame is arrival → incoming_message frame on a WebSocket client
	// connected to a member that does not host the tenant.
	ToAck   Latency `json:"arrivalToAck"`
	ToFrame Latency `json:"arrivalToFrame"`
	// CPU is the bench process (load generators and WebSocket clients), PostgreSQL and the machine;
	// MembersCores is the three member processes together.
	CPU          *CPUUse `json:"cpu,omitempty"`
	MembersCores float64 `json:"membersCores"`
}

// FailoverStats is what happens when the member hosting the most tenants is killed with SIGKILL.
type FailoverStats struct {
	Member  int `json:"killedMember"`
	Tenants int `json:"tenants"`
	Served  int `json:"served"`
	// FirstMs and TimeToServe run from the kill to the first successful request for each of the killed
	// member's tenants through a surviving member.
	FirstMs     float64 `json:"firstMs"`
	TimeToServe Latency `json:"timeToServe"`
	// SurvivorsSeeMs is the time until every survivor lists only the survivors (0: not within 60 s).
	SurvivorsSeeMs float64 `json:"survivorsUpdatedMs"`
	// InFlight inbound messages were sent before the kill and answered after it (acknowledged or failed);
	// InFlightMaxMs is the longest of those that were acknowledged.
	InFlight       int64   `json:"inFlight"`
	InFlightAcked  int64   `json:"inFlightAcked"`
	InFlightFailed int64   `json:"inFlightFailed"`
	InFlightMaxMs  float64 `json:"inFlightMaxMs"`
	// Acked counts every inbound message of the phase acknowledged with a 202, Stored the customer messages
	// in the tenants' databases afterwards; AckedMissing were acknowledged but are not stored (must be 0);
	// StoredUnacked were stored but their acknowledgement was lost with the member.
	Acked         int64 `json:"acked"`
	Stored        int64 `json:"stored"`
	AckedMissing  int64 `json:"ackedMissing"`
	StoredUnacked int64 `json:"storedUnacked"`
}

// runClusterPhase starts three members from the engine binary, signs tenants up through them, measures
// ingest across members, kills the busiest member and measures the failover. It always stops the members
// and drops the databases it created.
func (e *env) runClusterPhase(ctx context.Context, o Options, sz sizes, res *Results) (err error) {
	binDir, err := os.MkdirTemp("", "aezen-bench-node-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	binary, err := nodeBinary(ctx, o, binDir)
	if err != nil {
		return err
	}
	conns := max(e.cfg.DBMaxConns, sz.clusterTenants+28)
	if o.DBMaxConns > 0 {
		conns = o.DBMaxConns
	}
	cr := &ClusterResult{Members: 3, Tenants: sz.clusterTenants, ChatsPerTenant: sz.clusterChats, DBMaxConns: conns}
	// The members get a master database of their own rather than the bench's: the bench's holds the
	// tenants of the other phases (and their pending work, which members would wake up), and a fresh
	// one means the cluster sees only what it was given through its HTTP API. The bench creates and
	// migrates it, so the three members can start at once; the tenant databases to drop are the ones its
	// tenants table names, which covers a sign-up that failed half-way too.
	masterDB := e.prefix + "_cluster"
	admin, err := persistence.NewAdmin(ctx, e.serverURL)
	if err != nil {
		return err
	}
	master, err := persistence.OpenMaster(ctx, admin, e.serverURL, masterDB, 2)
	admin.Close()
	if err != nil {
		e.dropDatabases(nil, masterDB)
		return fmt.Errorf("creating the cluster's master database: %w", err)
	}
	raiseOpenFiles() // for the polls of the failover, in the bench and (inherited) in the members
	c, err := newBenchCluster(binary, e.serverURL, masterDB, conns, cr.Members)
	if err != nil {
		master.Close()
		e.dropDatabases(nil, masterDB)
		return err
	}
	if e.opts.CPUProfile != "" { // each member profiles its whole run; a killed member writes none
		c.profile = strings.TrimSuffix(e.opts.CPUProfile, ".pprof")
	}
	defer func() {
		say("cluster: stopping the members, dropping the cluster's databases")
		c.stop()
		dbs := clusterDatabases(master)
		master.Close()
		if derr := e.dropDatabases(dbs, masterDB); derr != nil && err == nil {
			err = derr
		}
	}()
	say("cluster: starting %d members (%s serve), AEZEN_DB_MAX_CONNS=%d each", cr.Members, binary, conns)
	start := time.Now()
	if err := c.start(ctx, 90*time.Second); err != nil {
		return err
	}
	cr.StartSeconds = time.Since(start).Seconds()
	res.Cluster = cr

	say("cluster: signing up %d tenants through the members, an API channel each", sz.clusterTenants)
	start = time.Now()
	list, err := c.signUp(ctx, e.hook.url, sz.clusterTenants)
	if err != nil {
		return err
	}
	cr.SignUpSeconds = time.Since(start).Seconds()
	cr.TenantsPerMember = make([]int, cr.Members)
	for _, t := range list {
		cr.TenantsPerMember[t.host]++
	}
	subs := &wsConns{}
	defer subs.close()
	var watch atomic.Pointer[frameWatch]
	for _, t := range list {
		// One subscriber per tenant on the member after its host: its frames cross members.
		if err := subs.dial(c.members[(t.host+1)%cr.Members].baseURL, t.token, &watch); err != nil {
			return fmt.Errorf("connecting a WebSocket subscriber: %w", err)
		}
	}
	ps := clusterProducersFor(list, sz.clusterChats)
	say("cluster: warming up, the first message of each of %d chats", len(ps))
	if err := c.warmUp(ctx, ps); err != nil {
		return err
	}
	say("cluster: ingest, %d producers round-robin over the members for %s, then kill -9 of the busiest member",
		len(ps), sz.clusterWarm+sz.clusterWindow)
	return c.ingestAndFailover(ctx, e, ps, list, &watch, sz.clusterWarm, sz.clusterWindow, cr)
}

// clusterDatabases lists the tenant databases the cluster's master database names.
func clusterDatabases(master *persistence.Master) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tenants, err := master.ListTenants(ctx)
	if err != nil {
		say("cluster: listing the tenant databases: %v", err)
	}
	names := make([]string, len(tenants))
	for i, t := range tenants {
		names[i] = t.DatabaseName
	}
	return names
}

// dropDatabases drops the tenant databases, then the master database.
func (e *env) dropDatabases(tenantDBs []string, masterDB string) error {
	if failed := e.dropAll(append(tenantDBs, masterDB)); failed > 0 {
		return fmt.Errorf("%d cluster databases could not be dropped (%s and aezen_t_ names in its tenants table)", failed, masterDB)
	}
	return nil
}

// storedCheck compares the acknowledged inbound messages with the customer messages stored in each
// tenant's database.
func (e *env) storedCheck(ctx context.Context, list []*clusterTenant, acked map[*clusterTenant][]string, f *FailoverStats) error {
	for _, t := range list {
		url, err := persistence.WithDatabase(e.serverURL, persistence.TenantDatabaseName(t.id))
		if err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		rows, _ := conn.Query(ctx, `SELECT platform_message_id FROM messages WHERE sender_type = 'CUSTOMER'`)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		conn.Close(context.Background())
		if err != nil {
			return err
		}
		stored := make(map[string]bool, len(ids))
		for _, id := range ids {
			stored[id] = true
		}
		f.Stored += int64(len(ids))
		f.Acked += int64(len(acked[t]))
		missing := 0
		for _, id := range acked[t] {
			if !stored[id] {
				missing++
			}
		}
		f.AckedMissing += int64(missing)
		f.StoredUnacked += int64(len(ids) - (len(acked[t]) - missing))
	}
	return nil
}
