package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// CPUUse splits the CPU used during a phase, in cores: the bench process (the engine under test and the
// load generators, which share it), the PostgreSQL server (when it runs on this machine) and the whole
// machine. A phase whose machine figure is close to the core count is CPU-bound.
type CPUUse struct {
	Process  float64 `json:"processCores"`
	Postgres float64 `json:"postgresCores"`
	Machine  float64 `json:"machineBusyCores"`
	// Checkpoints is how many PostgreSQL checkpoints ended in the window, and CheckpointSyncMs how long
	// their sync phases took (pg_stat_bgwriter): the phase that flushes every file a checkpoint wrote, during
	// which commits' WAL flushes queue behind it on a shared disk. A latency tail in a window with one is
	// not the engine's alone.
	Checkpoints      int64   `json:"checkpoints"`
	CheckpointSyncMs float64 `json:"checkpointSyncMs"`
	// Checkpointing is the share of the window during which a checkpoint was running (its spread writes
	// or its sync), sampled from the checkpointer's wait event every 250 ms: a checkpoint that starts or
	// ends outside the window shows here, not in Checkpoints.
	Checkpointing float64 `json:"checkpointingShare"`
}

func (c *CPUUse) String() string {
	if c == nil {
		return ""
	}
	pg := "n/a"
	if c.Postgres >= 0 {
		pg = fmt.Sprintf("%.2f", c.Postgres)
	}
	s := fmt.Sprintf("cpu cores: bench process %.2f, postgres %s, machine busy %.2f", c.Process, pg, c.Machine)
	if other := c.Machine - c.Process - max(0, c.Postgres); other > 0.25 {
		s += fmt.Sprintf(" (other work %.2f: noisy)", other)
	}
	if c.Checkpoints > 0 {
		s += fmt.Sprintf("; %d checkpoint(s) ended, syncing files for %.0f ms", c.Checkpoints, c.CheckpointSyncMs)
	}
	if c.Checkpointing > 0 {
		s += fmt.Sprintf("; a checkpoint ran during %.0f%% of the window", 100*c.Checkpointing)
	}
	return s
}

// perOp is the CPU time spent per operation at rate operations per second, in microseconds: a figure
// that other work on the machine disturbs less than the rate itself.
func (c *CPUUse) perOp(rate float64, what string) string {
	if c == nil || rate <= 0 {
		return ""
	}
	s := fmt.Sprintf("cpu per %s: bench process %.0f µs", what, microsPerOp(c.Process, rate))
	if c.Postgres >= 0 {
		s += fmt.Sprintf(", postgres %.0f µs", microsPerOp(c.Postgres, rate))
	}
	return s
}

// microsPerOp turns cores busy (CPU seconds per second) at rate operations per second into CPU microseconds
// per operation; 0 when nothing was done.
func microsPerOp(cores, rate float64) float64 {
	if rate <= 0 {
		return 0
	}
	return cores / rate * 1e6
}

// perSecond is n operations over window as a rate; 0 for an empty window.
func perSecond(n int64, window time.Duration) float64 {
	if window <= 0 {
		return 0
	}
	return float64(n) / window.Seconds()
}

// cpuMeter reads cumulative CPU times; the difference of two readings is a CPUUse.
type cpuMeter struct {
	postmaster int           // 0 when the server is not a local process
	server     *pgxpool.Pool // for pg_stat_bgwriter; nil in tests
}

type cpuReading struct {
	at                     time.Time
	process, pg, busy, all float64 // seconds
	checkpoints            int64   // -1 when unknown
	checkpointSyncMs       float64
}

const clockTicks = 100 // USER_HZ on Linux

// newCPUMeter finds the postmaster of the server: the parent of a backend serving this bench.
func newCPUMeter(ctx context.Context, e *env) *cpuMeter {
	var pid int
	if err := e.server.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return &cpuMeter{server: e.server}
	}
	f := procStat(pid)
	if len(f) < 4 {
		return &cpuMeter{server: e.server}
	}
	ppid, _ := strconv.Atoi(f[3])
	return &cpuMeter{postmaster: ppid, server: e.server}
}

func (m *cpuMeter) read() cpuReading {
	r := cpuReading{at: time.Now(), pg: -1, checkpoints: -1}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if m.server.QueryRow(ctx, `SELECT checkpoints_timed + checkpoints_req, checkpoint_sync_time FROM pg_stat_bgwriter`).
			Scan(&r.checkpoints, &r.checkpointSyncMs) != nil {
			r.checkpoints = -1
		}
		cancel()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.process = tv(ru.Utime) + tv(ru.Stime)
	}
	if m.postmaster > 0 {
		r.pg = m.postgresSeconds()
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseFloat(f, 64)
			if i < 8 { // user nice system idle iowait irq softirq steal
				r.all += v / clockTicks
				if i != 3 && i != 4 {
					r.busy += v / clockTicks
				}
			}
		}
	}
	return r
}

// postgresSeconds is the CPU time of the postmaster, its live children and its reaped children.
func (m *cpuMeter) postgresSeconds() float64 {
	f := procStat(m.postmaster)
	if len(f) < 17 {
		return -1
	}
	total := ticks(f[13]) + ticks(f[14]) + ticks(f[15]) + ticks(f[16])
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	parent := strconv.Itoa(m.postmaster)
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if c := procStat(pid); len(c) > 15 && c[3] == parent {
			total += ticks(c[13]) + ticks(c[14])
		}
	}
	return total
}

// since is the use between an earlier reading and now.
func (m *cpuMeter) since(r0 cpuReading) *CPUUse {
	r := m.read()
	secs := r.at.Sub(r0.at).Seconds()
	u := &CPUUse{Process: (r.process - r0.process) / secs, Postgres: -1}
	if r0.pg >= 0 && r.pg >= 0 {
		u.Postgres = (r.pg - r0.pg) / secs
	}
	if r.all > r0.all {
		u.Machine = float64(runtime.NumCPU()) * (r.busy - r0.busy) / (r.all - r0.all)
	}
	if r0.checkpoints >= 0 && r.checkpoints >= 0 {
		u.Checkpoints, u.CheckpointSyncMs = r.checkpoints-r0.checkpoints, r.checkpointSyncMs-r0.checkpointSyncMs
	}
	return u
}

// procStat returns the fields of /proc/<pid>/stat numbered as in proc(5) minus one: f[3] is the parent pid,
// f[13:17] are utime, stime, cutime and cstime in clock ticks. The command name is skipped, it may hold spaces.
func procStat(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	rest := strings.Fields(s[i+1:])
	return append([]string{strconv.Itoa(pid), "comm"}, rest...)
}

func ticks(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v / clockTicks
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// window measures the CPU use between from and to in the background; read the result after to.
func (m *cpuMeter) window(from, to time.Time) <-chan *CPUUse {
	ch := make(chan *CPUUse, 1)
	go func() {
		time.Sleep(time.Until(from))
		r0 := m.read()
		busy, samples := 0, 0
		for time.Now().Add(checkpointPoll).Before(to) {
			time.Sleep(checkpointPoll)
			if running, ok := m.checkpointRunning(); ok {
				samples++
				if running {
					busy++
				}
			}
		}
		time.Sleep(time.Until(to))
		u := m.since(r0)
		if samples > 0 {
			u.Checkpointing = float64(busy) / float64(samples)
		}
		ch <- u
	}()
	return ch
}

const checkpointPoll = 250 * time.Millisecond

// checkpointRunning says whether the server's checkpointer is in a checkpoint: anything but waiting in its
// main loop (CheckpointerMain), e.g. CheckpointWriteDelay between its spread writes, or a data file sync.
func (m *cpuMeter) checkpointRunning() (running, ok bool) {
	if m.server == nil {
		return false, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var event *string
	err := m.server.QueryRow(ctx, `SELECT wait_event FROM pg_stat_activity WHERE backend_type = 'checkpointer'`).Scan(&event)
	if err != nil {
		return false, false
	}
	return event == nil || *event != "CheckpointerMain", true
}

// loadLabels mark the bench's own load generators (producers, senders, WebSocket clients, the webhook
// receiver) in CPU profiles: the bench process also runs the engine, and its CPU per operation counts both.
// `go tool pprof -tagfocus bench=load PREFIX-<phase>.pprof` is the load generators' share (goroutines they
// start inherit the label); `-tagignore bench=load` the engine's, the runtime's shared work included.
var loadLabels = pprof.Labels("bench", "load")

// asLoad runs f with loadLabels.
func asLoad(f func()) {
	pprof.Do(context.Background(), loadLabels, func(context.Context) { f() })
}
