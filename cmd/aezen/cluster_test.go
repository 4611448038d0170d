package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/media"
	"github.com/aezen/engine/persistence"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryDir  string
)

// TestMain removes the binary the cluster tests build once for all of them.
func TestMain(m *testing.M) {
	code := m.Run()
	if binaryDir != "" {
		_ = os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

func binary(t *testing.T) string {
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "aezen-cluster-test-")
		if binaryErr == nil {
			binaryPath, binaryErr = testkit.BuildBinary(".", binaryDir, raceBuild)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

func startCluster(t *testing.T, n int) *testkit.Cluster {
	c := testkit.NewCluster(t, binary(t), n)
	for i := 0; i < n; i++ {
		c.Start(i)
	}
	for i := 0; i < n; i++ {
		c.WaitMembers(i, n, 30*time.Second)
	}
	return c
}

// TestClusterRequestsAndEventsCrossMembers: a tenant is reached from every member, and WebSocket clients on
// every member receive its events wherever it lives; the members talk over mutual TLS, and a client without
// the cluster certificate gets nothing from their actor ports.
func TestClusterRequestsAndEventsCrossMembers(t *testing.T) {
	c := startCluster(t, 3)
	m0, m1, m2 := c.Member(0), c.Member(1), c.Member(2)
	acct := m0.SignUp()
	ch := m1.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	ws0, ws2 := m0.DialWS(acct.Token), m2.DialWS(acct.Token)

	in, r := ch.Inbound("x-1", "roaming", "hello cluster")
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound via member 1: %d %s", r.Status, r.Body)
	}
	ws0.WaitFrames("incoming_message", 1, 10*time.Second)
	ws2.WaitFrames("incoming_message", 1, 10*time.Second)
	for i := 0; i < 3; i++ {
		var conv struct {
			UnreadCount int `json:"unreadCount"`
		}
		c.Member(i).Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID, acct.Token, nil, &conv)
		if conv.UnreadCount != 1 {
			t.Fatalf("member %d sees unread %d", i, conv.UnreadCount)
		}
	}
	host := c.HostOf(0, acct.TenantID)
	for i := 1; i < 3; i++ {
		if h := c.HostOf(i, acct.TenantID); h != host {
			t.Fatalf("member %d places the tenant on %s, member 0 on %s", i, h, host)
		}
	}
	if c.IndexOf(host) < 0 {
		t.Fatalf("tenant lives on unknown member %s", host)
	}
	crossMemberMedia(t, c, acct.Token, c.IndexOf(host))
	// The members talk over mutual TLS; a client without the cluster's certificate gets nothing.
	for i := 0; i < 3; i++ {
		addr := fmt.Sprintf("127.0.0.1:%d", c.Member(i).NodePort)
		if err := testkit.ProbeActorPort(addr, nil); err != nil {
			t.Fatalf("member %d, plain gRPC: %v", i, err)
		}
		if err := testkit.ProbeActorPort(addr, testkit.ForeignTLS()); err != nil {
			t.Fatalf("member %d, TLS with a certificate of another CA: %v", i, err)
		}
	}
}

// crossMemberMedia sends a file of two pieces up through a member that does not host the tenant and reads
// it back, whole and as a range from within the first piece, through another: the pieces cross members as
// media.uploadWrite and media.read operations (JSON between members, buffers of media's pool within one).
func crossMemberMedia(t *testing.T, c *testkit.Cluster, token string, host int) {
	t.Helper()
	var others []*testkit.Member
	for i := 0; i < 3; i++ {
		if i != host {
			others = append(others, c.Member(i))
		}
	}
	data := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	data = append(data, make([]byte, media.ChunkSize+70_000)...)
	_, _ = rand.Read(data[40:])
	r := others[0].Upload(token, "cross.png", "image/png", data)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload through member %d: %d %s", others[0].Index, r.Status, r.Body)
	}
	var obj struct {
		MediaID string `json:"mediaId"`
		Size    int    `json:"size"`
	}
	r.JSON(t, &obj)
	if obj.Size != len(data) {
		t.Fatalf("stored %d bytes of %d", obj.Size, len(data))
	}
	if got := others[1].Must(http.StatusOK, "GET", "/api/media/"+obj.MediaID, token, nil, nil); !bytes.Equal(got.Body, data) {
		t.Fatalf("downloaded through member %d: %d bytes that differ from the %d uploaded", others[1].Index, len(got.Body), len(data))
	}
	from := 1000
	got := others[1].Must(http.StatusPartialContent, "GET", "/api/media/"+obj.MediaID, token, nil, nil, fmt.Sprintf("Range: bytes=%d-", from))
	if !bytes.Equal(got.Body, data[from:]) {
		t.Fatalf("range from %d through member %d: %d bytes that differ", from, others[1].Index, len(got.Body))
	}
}

// stream posts inbound messages one after another through member via, retrying each until it is
// acknowledged (or the deadline passes), and records what was acknowledged.
type stream struct {
	mu       sync.Mutex
	acked    []string
	failures int
	stop     chan struct{}
	done     chan struct{}
	gaps     []time.Duration
}

func startStream(t *testing.T, ch testkit.APIChannel, prefix string) *stream {
	s := &stream{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for i := 0; ; i++ {
			select {
			case <-s.stop:
				return
			default:
			}
			id := fmt.Sprintf("%s-%04d", prefix, i)
			first := time.Now()
			for {
				_, r := ch.Inbound(id, fmt.Sprintf("cust-%d", i%5), "streamed "+id)
				if r.Status == http.StatusAccepted {
					s.mu.Lock()
					s.acked = append(s.acked, id)
					s.gaps = append(s.gaps, time.Since(first))
					s.mu.Unlock()
					break
				}
				s.mu.Lock()
				s.failures++
				s.mu.Unlock()
				if time.Since(first) > 30*time.Second {
					t.Errorf("message %s not acknowledged within 30s (last %d %s)", id, r.Status, r.Body)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	return s
}

func (s *stream) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acked)
}

func (s *stream) finish() ([]string, time.Duration) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	var worst time.Duration
	for _, g := range s.gaps {
		worst = max(worst, g)
	}
	return s.acked, worst
}

// assertStoredOnce checks that every acknowledged message is in the tenant's database exactly once.
func assertStoredOnce(t *testing.T, c *testkit.Cluster, tenantID string, acked []string) {
	t.Helper()
	url, _ := persistence.WithDatabase(c.Cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(tenantID)))
	assertStoredOnceAt(t, url, acked)
}

// assertStoredOnceAt is assertStoredOnce on the tenant database at url.
func assertStoredOnceAt(t *testing.T, url string, acked []string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(context.Background(), `SELECT platform_message_id, count(*) FROM messages WHERE sender_type = 'CUSTOMER' GROUP BY 1`)
	stored := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		_ = rows.Scan(&id, &n)
		stored[id] = n
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for _, id := range acked {
		if stored[id] != 1 {
			t.Fatalf("acknowledged message %s stored %d times", id, stored[id])
		}
	}
	var unread int
	_ = conn.QueryRow(context.Background(), `SELECT coalesce(sum(unread_count), 0) FROM chat_activity`).Scan(&unread)
	if unread != len(stored) {
		t.Fatalf("unread counts add up to %d for %d stored messages", unread, len(stored))
	}
}

// TestClusterMemberLoss kills the member hosting a busy tenant: every acknowledged message is stored
// exactly once, the tenant serves again on a survivor, and the killed member rejoins when restarted.
func TestClusterMemberLoss(t *testing.T) {
	c := startCluster(t, 3)
	acct := c.Member(0).SignUp()
	host := c.IndexOf(c.HostOf(0, acct.TenantID))
	via := (host + 1) % 3
	ch := c.Member(via).CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")

	s := startStream(t, ch, "loss")
	testkit.Eventually(t, 20*time.Second, "messages before the kill", func() bool { return s.count() >= 20 })
	c.Kill(host)
	killedAt := s.count()
	testkit.Eventually(t, 30*time.Second, "messages after the kill", func() bool { return s.count() >= killedAt+20 })
	acked, worst := s.finish()
	t.Logf("%d messages acknowledged; longest wait for one acknowledgement %s (the switch-over)", len(acked), worst)
	assertStoredOnce(t, c, acct.TenantID, acked)

	newHost := c.IndexOf(c.HostOf(via, acct.TenantID))
	if newHost == host || newHost < 0 {
		t.Fatalf("tenant still placed on the dead member %d (now %d)", host, newHost)
	}
	c.Start(host)
	for i := 0; i < 3; i++ {
		c.WaitMembers(i, 3, 30*time.Second)
	}
	c.Member(host).Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
}

// TestClusterRollingRestart stops (SIGTERM) the member hosting a tenant while messages stream in and a
// WebSocket client is connected to it: the client is told to reconnect, nothing acknowledged is lost.
func TestClusterRollingRestart(t *testing.T) {
	c := startCluster(t, 3)
	acct := c.Member(0).SignUp()
	host := c.IndexOf(c.HostOf(0, acct.TenantID))
	via := (host + 1) % 3
	ch := c.Member(via).CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	ws := c.Member(host).DialWS(acct.Token)

	s := startStream(t, ch, "roll")
	testkit.Eventually(t, 20*time.Second, "messages before the restart", func() bool { return s.count() >= 20 })
	hostAddr := c.HostOf(via, acct.TenantID)
	c.Terminate(host)
	// A graceful stop leaves no lease behind: the stream's calls that reached the member while it stopped
	// did not re-activate the tenant there (which would keep the tenant away for the lease's TTL).
	assertNoLeaseHeld(t, c, hostAddr)
	testkit.Eventually(t, 10*time.Second, "the client to be told to reconnect", func() bool { return ws.ClosedErr() != nil })
	if err := ws.ClosedErr(); !websocket.IsCloseError(err, 1012) {
		t.Fatalf("websocket closed with %v, want close code 1012", err)
	}
	// The client reconnects elsewhere and keeps receiving.
	ws2 := c.Member(via).DialWS(acct.Token)
	before := s.count()
	testkit.Eventually(t, 30*time.Second, "messages after the restart", func() bool { return s.count() >= before+20 })
	ws2.WaitFrames("incoming_message", 5, 10*time.Second)
	c.Start(host)
	c.WaitMembers(host, 3, 30*time.Second)
	after := s.count()
	testkit.Eventually(t, 30*time.Second, "messages after the member is back", func() bool { return s.count() >= after+20 })
	acked, worst := s.finish()
	t.Logf("%d messages acknowledged; longest wait %s", len(acked), worst)
	assertStoredOnce(t, c, acct.TenantID, acked)
}

// assertNoLeaseHeld fails when a tenant lease of the member at addr has not been released.
func assertNoLeaseHeld(t *testing.T, c *testkit.Cluster, addr string) {
	t.Helper()
	var held int
	url, _ := persistence.WithDatabase(c.Cfg.DatabaseURL, c.Cfg.MasterDB)
	err := connect(t, url).QueryRow(context.Background(),
		`SELECT count(*) FROM tenant_leases WHERE holder = $1 AND expires_at > now()`, addr).Scan(&held)
	if err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("the stopped member %s still holds %d tenant leases", addr, held)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
