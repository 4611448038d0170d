package bench

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Machine describes where the figures were taken.
type Machine struct {
	Cores      int    `json:"cores"`
	MemoryMB   int    `json:"memoryMB"`
	CPU        string `json:"cpu"`
	OS         string `json:"os"`
	Go         string `json:"go"`
	Postgres   string `json:"postgres"`
	Fsync      string `json:"fsync"`
	SyncCommit string `json:"synchronousCommit"`
	WalSync    string `json:"walSyncMethod"`
	SharedBufs string `json:"sharedBuffers"`
	PGMaxConns string `json:"pgMaxConnections"`
	LoadStart  string `json:"loadAverageAtStart"`
	LoadEnd    string `json:"loadAverageAtEnd"`
}

func describeMachine(ctx context.Context, server *pgxpool.Pool) Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(),
		CPU: firstField("/proc/cpuinfo", "model name"), LoadStart: loadAverage()}
	if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(firstField("/proc/meminfo", "MemTotal")), " kB")); err == nil {
		m.MemoryMB = kb / 1024
	}
	show := func(name string, dst *string) {
		if err := server.QueryRow(ctx, "SHOW "+name).Scan(dst); err != nil {
			*dst = "?"
		}
	}
	show("server_version", &m.Postgres)
	show("fsync", &m.Fsync)
	show("synchronous_commit", &m.SyncCommit)
	show("wal_sync_method", &m.WalSync)
	show("shared_buffers", &m.SharedBufs)
	show("max_connections", &m.PGMaxConns)
	return m
}

// firstField returns the value of the first "key: value" line of a /proc file whose key is key.
func firstField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// loadAverage is the 1, 5 and 15 minute load averages: other work on the machine makes figures noisy.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
