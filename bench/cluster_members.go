package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/aezen/engine/internal/clustertls"
)

// member is one `aezen serve` process of the bench's cluster.
type member struct {
	index                      int
	httpPort, nodePort, amPort int
	baseURL                    string
	client                     *fasthttp.HostClient
	log                        *tailBuffer
	mu                         sync.Mutex
	cmd                        *exec.Cmd
	exited                     chan struct{}
}

// benchCluster is three members on loopback, started from the engine binary (nodeBinary) with
// automanaged discovery, like testkit.Cluster does for the tests.
type benchCluster struct {
	binary   string
	env      []string
	opsToken string
	dataDir  string
	members  []*member
	// profile, when set, is the file-name prefix of the members' CPU profiles (AEZEN_CPU_PROFILE).
	profile string
}

// newBenchCluster prepares n members (not started) on free loopback ports.
func newBenchCluster(binary, serverURL, masterDB string, dbMaxConns, n int) (*benchCluster, error) {
	dir, err := os.MkdirTemp("", "aezen-bench-cluster-")
	if err != nil {
		return nil, err
	}
	c := &benchCluster{binary: binary, opsToken: randomHex(16), dataDir: dir}
	// The members talk over mutual TLS, as in production, so the figures include its cost.
	tlsFiles, err := clustertls.WriteNew(filepath.Join(dir, "cluster-tls"))
	if err != nil {
		return nil, fmt.Errorf("making the cluster CA: %w", err)
	}
	var peers []string
	for i := range n {
		ports, err := freePorts(3)
		if err != nil {
			return nil, err
		}
		m := &member{index: i, httpPort: ports[0], nodePort: ports[1], amPort: ports[2], log: &tailBuffer{}}
		m.baseURL = fmt.Sprintf("http://127.0.0.1:%d", m.httpPort)
		m.client = &fasthttp.HostClient{Addr: fmt.Sprintf("127.0.0.1:%d", m.httpPort), MaxConns: 4096,
			ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, MaxIdleConnDuration: time.Minute}
		c.members = append(c.members, m)
		peers = append(peers, fmt.Sprintf("127.0.0.1:%d", m.amPort))
	}
	// The members' configuration comes only from here: AEZEN_* of the bench's own environment (a log
	// level, an address) is not passed on.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AEZEN_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			c.env = append(c.env, kv)
		}
	}
	c.env = append(c.env,
		"DATABASE_URL="+serverURL,
		"AEZEN_MASTER_DB="+masterDB,
		"AEZEN_JWT_SECRET="+randomHex(32),
		"AEZEN_ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString([]byte(randomHex(16))),
		"AEZEN_OPS_TOKEN="+c.opsToken,
		"AEZEN_DATA_DIR="+dir,
		"AEZEN_CLUSTER_PROVIDER=automanaged",
		"AEZEN_CLUSTER_NAME=aezen-bench-"+randomHex(4),
		"AEZEN_NODE_HOST=127.0.0.1",
		"AEZEN_CLUSTER_PEERS="+strings.Join(peers, ","),
		"AEZEN_WEBHOOK_ALLOW_PRIVATE=true",
		"AEZEN_CLUSTER_TLS_CA="+tlsFiles.CA,
		"AEZEN_CLUSTER_TLS_CERT="+tlsFiles.Cert,
		"AEZEN_CLUSTER_TLS_KEY="+tlsFiles.Key,
		// The bench signs every tenant up from 127.0.0.1.
		"AEZEN_SIGNUP_PER_ADDRESS=1000000", "AEZEN_SIGNUP_GLOBAL=1000000", "AEZEN_WS_MAX_PER_USER=1000000", "AEZEN_WS_MAX_PER_TENANT=1000000",
		fmt.Sprintf("AEZEN_DB_MAX_CONNS=%d", dbMaxConns))
	return c, nil
}

// start launches every member and waits until each answers /readyz and lists all of them.
func (c *benchCluster) start(ctx context.Context, timeout time.Duration) error {
	for _, m := range c.members {
		if err := c.launch(m); err != nil {
			return fmt.Errorf("starting member %d: %w", m.index, err)
		}
	}
	deadline := time.Now().Add(timeout)
	for _, m := range c.members {
		err := waitFor(ctx, deadline, func() (bool, error) {
			if m.dead() {
				return false, fmt.Errorf("member %d exited:\n%s", m.index, m.log.tail(3000))
			}
			return c.seesMembers(m, len(c.members)), nil
		})
		if err != nil {
			return fmt.Errorf("member %d ready with %d members: %w (log tail:\n%s)", m.index, len(c.members), err, m.log.tail(3000))
		}
	}
	return nil
}

// launch starts member m's process. The child gets SIGKILL if the bench dies without stopping it
// (Pdeathsig); Linux sends it when the thread that started the child exits, so the goroutine that starts
// it keeps its thread until the child is gone.
func (c *benchCluster) launch(m *member) error {
	cmd := exec.Command(c.binary, "serve")
	cmd.Env = append(append([]string(nil), c.env...), fmt.Sprintf("AEZEN_HTTP_ADDR=127.0.0.1:%d", m.httpPort),
		fmt.Sprintf("AEZEN_NODE_PORT=%d", m.nodePort), fmt.Sprintf("AEZEN_AUTOMANAGED_PORT=%d", m.amPort))
	if c.profile != "" {
		cmd.Env = append(cmd.Env, fmt.Sprintf("AEZEN_CPU_PROFILE=%s-cluster-member%d.pprof", c.profile, m.index))
	}
	cmd.Stdout, cmd.Stderr = m.log, m.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	exited := make(chan struct{})
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(exited)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return err
	}
	m.mu.Lock()
	m.cmd, m.exited = cmd, exited
	m.mu.Unlock()
	return nil
}

// seesMembers reports whether m answers /readyz and its cluster view lists n members.
func (c *benchCluster) seesMembers(m *member, n int) bool {
	res, err := shortClient.Get(m.baseURL + "/readyz")
	if err != nil {
		return false
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return false
	}
	var info struct {
		Members []struct{ Address string } `json:"members"`
	}
	return c.ops(m, "/api/ops/cluster", &info) == nil && len(info.Members) == n
}

// ops calls an operator endpoint of m.
func (c *benchCluster) ops(m *member, path string, out any) error {
	req, err := http.NewRequest("GET", m.baseURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.opsToken)
	res, err := shortClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", path, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// indexOf returns the member whose actor address is addr, or -1.
func (c *benchCluster) indexOf(addr string) int {
	for _, m := range c.members {
		if addr == fmt.Sprintf("127.0.0.1:%d", m.nodePort) {
			return m.index
		}
	}
	return -1
}

func (m *member) dead() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exited == nil {
		return true
	}
	select {
	case <-m.exited:
		return true
	default:
		return false
	}
}

// signal sends sig to m's process and waits up to wait for it to exit (returns whether it did).
func (m *member) signal(sig syscall.Signal, wait time.Duration) bool {
	m.mu.Lock()
	cmd, exited := m.cmd, m.exited
	m.mu.Unlock()
	if cmd == nil {
		return true
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return true
	case <-time.After(wait):
		return false
	}
}

// stop ends every member still running: SIGTERM (a clean stop), SIGKILL after 30 s. It returns once all
// have exited.
func (c *benchCluster) stop() {
	var wg sync.WaitGroup
	for _, m := range c.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !m.dead() && !m.signal(syscall.SIGTERM, 30*time.Second) {
				say("cluster: member %d did not stop within 30 s of SIGTERM; killing it", m.index)
				m.signal(syscall.SIGKILL, time.Minute)
			}
		}()
	}
	wg.Wait()
	_ = os.RemoveAll(c.dataDir)
}

// cpuSeconds is the CPU time the running members have used so far (user + system).
func (c *benchCluster) cpuSeconds() float64 {
	var total float64
	for _, m := range c.members {
		m.mu.Lock()
		cmd := m.cmd
		m.mu.Unlock()
		if cmd == nil || cmd.Process == nil || m.dead() {
			continue
		}
		if f := procStat(cmd.Process.Pid); len(f) > 15 {
			total += ticks(f[13]) + ticks(f[14])
		}
	}
	return total
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tailBuffer keeps the last 256 KB a member printed, for error reports only.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 512<<10 {
		t.b = append(t.b[:0], t.b[len(t.b)-256<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) tail(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) > n {
		return "…" + string(t.b[len(t.b)-n:])
	}
	return string(t.b)
}
