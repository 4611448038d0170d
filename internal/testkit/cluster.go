package testkit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aezen/engine/internal/clustertls"
)

// Cluster runs engine members as separate OS processes on loopback, sharing one master database on the
// test PostgreSQL, with automanaged discovery, random ports and mutual TLS from a throwaway cluster CA.
type Cluster struct {
	t       testing.TB
	binary  string
	cfgEnv  []string
	members []*Member
	raceDir string
	Cfg     struct{ OpsToken, MasterDB, DatabaseURL, DBServers string }
}

// Member is one process of a Cluster.
type Member struct {
	*Client
	Index                      int
	HTTPPort, NodePort, AMPort int
	cmd                        *exec.Cmd
	log                        *syncBuffer
	exited                     chan struct{}
}

// BuildBinary compiles the main package in pkgDir into dir (with -race when asked) and returns its path.
func BuildBinary(pkgDir, dir string, race bool) (string, error) {
	out := filepath.Join(dir, "aezen")
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = pkgDir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building aezen: %v\n%s", err, b)
	}
	return out, nil
}

// NewCluster prepares n members (not started) running binary.
func NewCluster(t testing.TB, binary string, n int) *Cluster {
	c := &Cluster{t: t, binary: binary, raceDir: t.TempDir()}
	c.Cfg.DatabaseURL = DatabaseURL(t)
	c.Cfg.MasterDB = "aezen_test_" + randomHex(6)
	c.Cfg.OpsToken = randomHex(16)
	tlsFiles, err := clustertls.WriteNew(filepath.Join(t.TempDir(), "cluster-tls"))
	if err != nil {
		t.Fatalf("making the cluster CA: %v", err)
	}
	var peers []string
	for i := 0; i < n; i++ {
		m := &Member{Index: i, HTTPPort: freePort(t), NodePort: freePort(t), AMPort: freePort(t), log: &syncBuffer{}}
		m.Client = NewClient(t, fmt.Sprintf("http://127.0.0.1:%d", m.HTTPPort))
		c.members = append(c.members, m)
		peers = append(peers, fmt.Sprintf("127.0.0.1:%d", m.AMPort))
	}
	c.cfgEnv = []string{
		"DATABASE_URL=" + c.Cfg.DatabaseURL,
		"AEZEN_MASTER_DB=" + c.Cfg.MasterDB,
		"AEZEN_JWT_SECRET=" + randomHex(32),
		"AEZEN_ENCRYPTION_KEY=" + base64.StdEncoding.EncodeToString([]byte(randomHex(16))),
		"AEZEN_OPS_TOKEN=" + c.Cfg.OpsToken,
		"AEZEN_DATA_DIR=" + t.TempDir(),
		"AEZEN_CLUSTER_PROVIDER=automanaged",
		"AEZEN_NODE_HOST=127.0.0.1",
		"AEZEN_CLUSTER_PEERS=" + strings.Join(peers, ","),
		"AEZEN_WEBHOOK_ALLOW_PRIVATE=true",
		"AEZEN_SIGNUP_PER_ADDRESS=1000000", "AEZEN_SIGNUP_GLOBAL=1000000",
		"AEZEN_REQUEST_TIMEOUT=20s",
		"AEZEN_CLUSTER_TLS_CA=" + tlsFiles.CA,
		"AEZEN_CLUSTER_TLS_CERT=" + tlsFiles.Cert,
		"AEZEN_CLUSTER_TLS_KEY=" + tlsFiles.Key,
		// A -race binary writes each report to raceDir/race.<pid> as it happens; the clean-up fails the
		// test on any (a member killed with SIGKILL never reaches the exit code the detector would set).
		"GORACE=log_path=" + filepath.Join(c.raceDir, "race"),
	}
	t.Cleanup(func() {
		for _, m := range c.members {
			c.Kill(m.Index)
		}
		c.failOnRaceReports()
		if t.Failed() {
			for _, m := range c.members {
				t.Logf("member %d log (tail):\n%s", m.Index, tail(m.log.String(), 4000))
			}
		}
		cfg := Config(t)
		cfg.DatabaseURL, cfg.MasterDB, cfg.DBServers = c.Cfg.DatabaseURL, c.Cfg.MasterDB, c.Cfg.DBServers
		DropDatabases(t, cfg)
	})
	return c
}

// UseServers gives the members (started after) further tenant database servers: AEZEN_DB_SERVERS.
func (c *Cluster) UseServers(spec string) {
	c.Cfg.DBServers = spec
	c.cfgEnv = append(c.cfgEnv, "AEZEN_DB_SERVERS="+spec)
}

// AddEnv adds settings (NAME=value) to the members started after.
func (c *Cluster) AddEnv(kv ...string) { c.cfgEnv = append(c.cfgEnv, kv...) }

// Env is the members' configuration, for running other commands of the binary against the same cluster.
func (c *Cluster) Env() []string { return append([]string(nil), c.cfgEnv...) }

// failOnRaceReports fails the test with every race report the members' race detectors wrote.
func (c *Cluster) failOnRaceReports() {
	files, _ := filepath.Glob(filepath.Join(c.raceDir, "race.*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			c.t.Errorf("reading race report %s: %v", f, err)
			continue
		}
		if len(bytes.TrimSpace(b)) > 0 {
			c.t.Errorf("a cluster member's race detector reported (%s):\n%s", filepath.Base(f), b)
		}
	}
}

// Member returns member i.
func (c *Cluster) Member(i int) *Member { return c.members[i] }

// Start launches member i and waits until it answers /readyz.
func (c *Cluster) Start(i int) *Member {
	c.t.Helper()
	m := c.members[i]
	m.log = &syncBuffer{}
	m.exited = make(chan struct{})
	m.cmd = exec.Command(c.binary, "serve")
	m.cmd.Env = append(os.Environ(), c.cfgEnv...)
	m.cmd.Env = append(m.cmd.Env, fmt.Sprintf("AEZEN_HTTP_ADDR=127.0.0.1:%d", m.HTTPPort),
		fmt.Sprintf("AEZEN_NODE_PORT=%d", m.NodePort), fmt.Sprintf("AEZEN_AUTOMANAGED_PORT=%d", m.AMPort))
	m.cmd.Stdout, m.cmd.Stderr = m.log, m.log
	if err := m.cmd.Start(); err != nil {
		c.t.Fatalf("starting member %d: %v", i, err)
	}
	go func() { _ = m.cmd.Wait(); close(m.exited) }()
	Eventually(c.t, 60*time.Second, fmt.Sprintf("member %d ready", i), func() bool {
		select {
		case <-m.exited:
			c.t.Fatalf("member %d exited:\n%s", i, m.log.String())
		default:
		}
		res, err := http.Get(m.BaseURL + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	return m
}

// WaitMembers waits until member i sees n members.
func (c *Cluster) WaitMembers(i, n int, timeout time.Duration) {
	c.t.Helper()
	m := c.members[i]
	Eventually(c.t, timeout, fmt.Sprintf("member %d to see %d members", i, n), func() bool {
		var info struct {
			Members []struct{ Address string } `json:"members"`
		}
		r := m.Do("GET", "/api/ops/cluster", c.Cfg.OpsToken, nil)
		if r.Status != http.StatusOK {
			return false
		}
		r.JSON(c.t, &info)
		return len(info.Members) == n
	})
}

// Kill stops member i with SIGKILL (no clean-up at all).
func (c *Cluster) Kill(i int) {
	m := c.members[i]
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(syscall.SIGKILL)
		<-m.exited
		m.cmd = nil
	}
}

// Terminate stops member i with SIGTERM and waits for it to exit (a rolling restart's stop).
func (c *Cluster) Terminate(i int) {
	c.t.Helper()
	m := c.members[i]
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(60 * time.Second):
		c.t.Fatalf("member %d did not stop within 60s after SIGTERM", i)
	}
	m.cmd = nil
}

// Log returns what member i printed.
func (m *Member) Log() string { return m.log.String() }

// HostOf asks member i where a tenant lives (its member address).
func (c *Cluster) HostOf(i int, tenantID string) string {
	var d struct {
		Tenant struct {
			Member string `json:"member"`
		} `json:"tenant"`
	}
	c.members[i].Must(http.StatusOK, "GET", "/api/ops/tenants/"+tenantID, c.Cfg.OpsToken, nil, &d)
	return d.Tenant.Member
}

// IndexOf returns the index of the member whose actor address is addr, or -1.
func (c *Cluster) IndexOf(addr string) int {
	for _, m := range c.members {
		if addr == fmt.Sprintf("127.0.0.1:%d", m.NodePort) {
			return m.Index
		}
	}
	return -1
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
