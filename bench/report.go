package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Results is one run of the suite, as printed and as written to bench/results.json.
type Results struct {
	StartedAt string         `json:"startedAt"`
	Mode      string         `json:"mode"`
	Seconds   float64        `json:"durationSeconds"`
	Machine   Machine        `json:"machine"`
	Config    map[string]any `json:"config"`
	Ceiling   *CeilingResult `json:"ceiling,omitempty"`
	Ingest    *IngestResult  `json:"ingest,omitempty"`
	// IngestHTTP is the same load through signed HTTP calls.
	IngestHTTP *IngestResult `json:"ingestHTTP,omitempty"`
	SendOpen   *SendResult   `json:"sendOpenLoop,omitempty"`
	SendSat    *SendResult   `json:"sendSaturation,omitempty"`
	// SendSteps are shorter open-loop runs at lower offered loads.
	SendSteps []SendResult   `json:"sendSteps,omitempty"`
	Tenants   *TenantsResult `json:"tenants,omitempty"`
	Fanout    *FanoutResult  `json:"fanout,omitempty"`
	Cluster   *ClusterResult `json:"cluster,omitempty"`
	Servers   *ServersResult `json:"servers,omitempty"`
	Media     *MediaResult   `json:"media,omitempty"`
	Targets   []Target       `json:"targets"`
	Notes     []string       `json:"notes,omitempty"`
	Errors    []string       `json:"errors,omitempty"`
}

// Target is one goal of issue 7 and whether this run met it.
type Target struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Goal   string `json:"goal"`
	Passed bool   `json:"passed"`
}

// evaluate fills Targets from the figures that were measured.
func (r *Results) evaluate() {
	add := func(name, value, goal string, ok bool) {
		r.Targets = append(r.Targets, Target{Name: name, Value: value, Goal: goal, Passed: ok})
	}
	// The targets of issue 17: ratios to limits measured in the same run.
	if c, in := r.Ceiling, r.Ingest; c != nil && in != nil && c.FloorCPU != nil && in.CPU != nil && c.FloorCPU.Postgres > 0 && in.CPU.Postgres > 0 {
		floor, stored := microsPerOp(c.FloorCPU.Postgres, c.Floor), microsPerOp(in.CPU.Postgres, in.PerSecond)
		ratio := stored / floor
		add("postgres CPU per stored inbound message / floor's", fmt.Sprintf("%.1f× (%.0f / %.0f µs)", ratio, stored, floor), "≤ 4×",
			floor > 0 && ratio <= 4)
		if c.BatchedCPU != nil && c.BatchedCPU.Postgres > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("the engine's own inbound statement, batched: %.0f µs of postgres CPU per row, %.1f× the floor's",
				microsPerOp(c.BatchedCPU.Postgres, c.Batched), microsPerOp(c.BatchedCPU.Postgres, c.Batched)/floor))
		}
		if c.FloorMultiCPU != nil && c.FloorMultiCPU.Postgres > 0 && c.FloorMulti > 0 {
			multi := microsPerOp(c.FloorMultiCPU.Postgres, c.FloorMulti)
			r.Notes = append(r.Notes, fmt.Sprintf("the floor as one multi-row INSERT per transaction: %.0f µs of postgres CPU per row; a stored inbound message is %.1f× that",
				multi, stored/multi))
		}
	}
	if c, h := r.Ceiling, r.IngestHTTP; c != nil && h != nil && c.Batched > 0 {
		share := h.PerSecond / c.Batched
		add("signed HTTP ingest / engine's batched ceiling", pct(share), "≥ 50%", share >= 0.5)
		if h.CPU != nil && h.PerSecond > 0 {
			us := microsPerOp(h.CPU.Process, h.PerSecond)
			if h.LoadShare >= 0 {
				engine := us * (1 - h.LoadShare)
				add("signed HTTP ingest, engine CPU per message", fmt.Sprintf("%.0f µs (bench process %.0f µs, its HTTP client %.0f%%)", engine, us, 100*h.LoadShare),
					"≤ 150 µs", engine <= 150)
			} else {
				add("signed HTTP ingest, bench process CPU per message", fmt.Sprintf("%.0f µs", us), "≤ 150 µs (engine and HTTP client together)", us <= 150)
			}
		}
	}
	if s := r.SendSat; s != nil {
		add("send saturation", rate(s.PerSecond), "≥ 3,500/s (2× issue 17's)", s.PerSecond >= 3500 && s.Requests > 0)
	}
	if s := r.SendOpen; s != nil {
		add(fmt.Sprintf("send p99 at %.0f req/s offered (half the saturation)", s.Offered), msf(s.Latency.P99), "< 20 ms, no errors",
			s.Latency.P99 < 20 && s.Errors == 0 && s.Requests > 0)
		if s.CPU != nil && (s.CPU.Checkpoints > 0 || s.CPU.Checkpointing > 0) {
			r.Notes = append(r.Notes, fmt.Sprintf("the send window at half the saturation: a PostgreSQL checkpoint ran during %.0f%% of it; %d ended in it, syncing files for %.0f ms",
				100*s.CPU.Checkpointing, s.CPU.Checkpoints, s.CPU.CheckpointSyncMs))
		}
	}
	if len(r.SendSteps) > 0 {
		best := "none"
		for _, s := range r.SendSteps {
			if s.Latency.P99 < 20 && s.Errors == 0 && s.Requests > 0 {
				best = fmt.Sprintf("%.0f req/s (p99 %.1f ms)", s.Offered, s.Latency.P99)
			}
		}
		r.Notes = append(r.Notes, "highest stepped offered load with send p99 < 20 ms: "+best)
	}
	if t := r.Tenants; t != nil {
		add("cold activation p99, one at a time", msf(t.ColdActivation.P99), "< 30 ms", t.ColdActivation.P99 < 30 && t.ColdActivation.Count > 0)
		add(fmt.Sprintf("cold activation p99, %d at once", t.ColdConcurrent.Count), msf(t.ColdConcurrent.P99), "< 150 ms",
			t.ColdConcurrent.P99 < 150 && t.ColdConcurrent.Count > 0)
		add(fmt.Sprintf("resident per active tenant (%d conversations, %d clients)", t.Conversations, t.Clients),
			fmt.Sprintf("%.0f KB", t.RSSPerTenantKB), "< 200 KB", t.RSSPerTenantKB < 200 && t.Clients > 0)
		add("tenant connections", fmt.Sprintf("%d pg / %d engine", t.TenantDBConns, t.EngineConns),
			fmt.Sprintf("≤ AEZEN_DB_MAX_CONNS (%d)", t.MaxConns), t.TenantDBConns <= t.MaxConns && t.EngineConns <= int64(t.MaxConns))
	}
	if c := r.Cluster; c != nil {
		r.Notes = append(r.Notes, c.note())
	}
	r.failErrors(add)
	if m := r.Media; m != nil && m.Uploads > 0 {
		// Flat: a file streams through buffers of a chunk (256 KiB) or a few, and is never whole in memory.
		grew := m.HeapPeakMB - m.HeapBeforeMB
		add(fmt.Sprintf("media: live heap growth while a %d MiB file streams up and down", m.FileBytes>>20), fmt.Sprintf("+%.1f MiB", grew),
			fmt.Sprintf("< %d MiB (never the whole file)", m.FileBytes>>20), grew < float64(m.FileBytes)/(1<<20))
	}
	if s := r.Servers; s != nil {
		add(fmt.Sprintf("tenant move pause, %s messages", thousands(float64(s.MovedMessages))), fmt.Sprintf("%.0f ms", s.PausedMs),
			"< 5 s, nothing lost", s.PausedMs > 0 && s.PausedMs < 5000 && s.Missing == 0 && s.Errors == 0 && s.RowsMatch)
	}
	if f := r.Fanout; f != nil {
		add(fmt.Sprintf("fan-out arrival → frame p99, %d clients, every client of the tenant", f.Clients), msf(f.ToFrame.P99), "< 10 ms, every frame",
			f.ToFrame.P99 < 10 && f.ToFrame.Count > 0 && f.Frames >= f.FramesExpected)
		if f.CPU != nil && f.CPU.Checkpointing > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("the fan-out window: a PostgreSQL checkpoint ran during %.0f%% of it (arrival → commit acknowledged p99 %.1f ms)",
				100*f.CPU.Checkpointing, f.ToAck.P99))
		}
	}
}

// failErrors adds a FAIL for every phase that had errors: a failed phase (Errors) and a phase whose
// requests failed, whatever its figures say.
func (r *Results) failErrors(add func(name, value, goal string, ok bool)) {
	counts := map[string]int64{}
	var order []string
	count := func(phase string, n int64) {
		if _, seen := counts[phase]; !seen {
			order = append(order, phase)
		}
		counts[phase] += n
	}
	for _, in := range []*IngestResult{r.Ingest, r.IngestHTTP} {
		if in != nil {
			count("ingest", in.Errors)
		}
	}
	for _, s := range append([]*SendResult{r.SendOpen, r.SendSat}, ptrs(r.SendSteps)...) {
		if s != nil {
			count("send", s.Errors)
		}
	}
	if f := r.Fanout; f != nil {
		count("fan-out", f.Errors)
	}
	if c := r.Cluster; c != nil {
		count("cluster", c.Ingest.Errors)
	}
	if s := r.Servers; s != nil {
		count("servers", s.Errors+s.Missing)
	}
	if m := r.Media; m != nil {
		count("media", m.Errors)
	}
	for _, phase := range order {
		if counts[phase] > 0 {
			add(phase+": errors", fmt.Sprintf("%d", counts[phase]), "none", false)
		}
	}
	for _, e := range r.Errors {
		phase, _, _ := strings.Cut(e, ":")
		add(phase+": phase failed", fmt.Sprintf("%.60s", e), "runs to the end", false)
	}
}

func ptrs[T any](list []T) []*T {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}

func pct(v float64) string  { return fmt.Sprintf("%.0f%%", v*100) }
func msf(v float64) string  { return fmt.Sprintf("%.1f ms", v) }
func rate(v float64) string { return fmt.Sprintf("%s/s", thousands(v)) }

func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[0] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func lat(l Latency) string {
	return fmt.Sprintf("p50 %.1f  p99 %.1f  p999 %.1f ms (n=%d)", l.P50, l.P99, l.P999, l.Count)
}

// Print writes the table.
func (r *Results) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nAEZEN bench (%s), %s, %.0f s\n", r.Mode, r.StartedAt, r.Seconds)
	fmt.Fprintf(w, "machine: %d cores %s, %d MB RAM, %s, %s; load average %s at start, %s at end\n",
		m.Cores, m.CPU, m.MemoryMB, m.OS, m.Go, m.LoadStart, m.LoadEnd)
	fmt.Fprintf(w, "postgres: %s, fsync=%s, synchronous_commit=%s, wal_sync_method=%s, shared_buffers=%s, max_connections=%s\n",
		m.Postgres, m.Fsync, m.SyncCommit, m.WalSync, m.SharedBufs, m.PGMaxConns)
	fmt.Fprintf(w, "engine: %s\n\n", formatConfig(r.Config))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cols ...string) { fmt.Fprintln(tw, strings.Join(cols, "\t")) }
	row("section", "figure", "value")
	row("-------", "------", "-----")
	if c := r.Ceiling; c != nil {
		row("ceiling", fmt.Sprintf("pgx, 1 message per tx, %d conns", c.Connections), rate(c.OnePerTx)+" rows")
		row("ceiling", "  transaction latency", lat(c.OnePerTxLatency))
		row("ceiling", "", c.OnePerTxCPU.String())
		row("ceiling", "", c.OnePerTxCPU.perOp(c.OnePerTx, "row"))
		row("ceiling", fmt.Sprintf("pgx, %d messages per tx, %d conns", c.BatchRows, c.Connections), rate(c.Batched)+" rows")
		row("ceiling", "  transaction latency", lat(c.BatchedLatency))
		row("ceiling", "", c.BatchedCPU.String())
		row("ceiling", "", c.BatchedCPU.perOp(c.Batched, "row"))
		row("floor", fmt.Sprintf("plain INSERT of the message row, %d per tx, %d conns", c.BatchRows, c.Connections), rate(c.Floor)+" rows")
		row("floor", "  transaction latency", lat(c.FloorLatency))
		row("floor", "", c.FloorCPU.String())
		row("floor", "", c.FloorCPU.perOp(c.Floor, "row"))
		row("floor", fmt.Sprintf("the same rows, one multi-row INSERT per tx, %d conns", c.Connections), rate(c.FloorMulti)+" rows")
		row("floor", "", c.FloorMultiCPU.String())
		row("floor", "", c.FloorMultiCPU.perOp(c.FloorMulti, "row"))
	}
	for _, in := range []*IngestResult{r.Ingest, r.IngestHTTP} {
		if in == nil {
			continue
		}
		how := "in process (Node.Ingest)"
		if in.HTTP {
			how = "signed HTTP POST /api/channels/:id/inbound"
		}
		row("ingest", how, "")
		row("ingest", fmt.Sprintf("%d tenants × %d chats, %d producers", in.Tenants, in.ChatsPerTenant, in.Producers),
			fmt.Sprintf("%s committed + emitted (%d errors, %d/%d frames)", rate(in.PerSecond), in.Errors, in.Frames, in.Messages))
		row("ingest", "arrival → WebSocket frame", lat(in.ToFrame))
		row("ingest", "arrival → commit acknowledged", lat(in.ToAck))
		row("ingest", "jobs per group commit / first-contact rate / new connections", fmt.Sprintf("%.1f / %s / %d",
			in.JobsPerCommit, rate(in.FirstContactPerSecond), in.NewConnections))
		row("ingest", "engine tenant connections: opened / waited for budget / reclaimed",
			fmt.Sprintf("%d / %d / %d", in.Pool.Dials, in.Pool.Waits, in.Pool.Reclaimed))
		row("ingest", "", in.CPU.String())
		row("ingest", "", in.CPU.perOp(in.PerSecond, "message"))
		if in.LoadShare >= 0 && in.CPU != nil && in.PerSecond > 0 {
			us := microsPerOp(in.CPU.Process, in.PerSecond)
			row("ingest", "", fmt.Sprintf("of the bench process: engine %.0f µs, HTTP client %.0f µs per message (%.0f%% of its CPU profile's samples)",
				us*(1-in.LoadShare), us*in.LoadShare, 100*in.LoadShare))
		}
	}
	sends := []*SendResult{r.SendOpen, r.SendSat}
	for i := range r.SendSteps {
		sends = append(sends, &r.SendSteps[i])
	}
	for _, s := range sends {
		if s == nil {
			continue
		}
		what := fmt.Sprintf("open loop, %.0f req/s offered", s.Offered)
		if s.Mode == "closed" {
			what = fmt.Sprintf("saturation, %d workers", s.Workers)
		}
		row("send", what, fmt.Sprintf("%s, %d errors, %d webhooks", rate(s.PerSecond), s.Errors, s.Delivered))
		row("send", "  latency", lat(s.Latency))
		if s.Mode == "open" {
			row("send", "  slow requests", burstsLine(s.SlowRequests, s.SlowBursts))
		}
		row("send", "  tenant connections: opened / waited for budget / reclaimed",
			fmt.Sprintf("%d / %d / %d", s.Pool.Dials, s.Pool.Waits, s.Pool.Reclaimed))
		for kind, n := range s.ErrorKinds {
			row("send", "  error", fmt.Sprintf("%d × %.120s", n, kind))
		}
		row("send", "", s.CPU.String())
		row("send", "", s.CPU.perOp(s.PerSecond, "request"))
	}
	if t := r.Tenants; t != nil {
		row("tenants", fmt.Sprintf("provisioned %d (rows %.1f s), %d with database (%.0f ms each), no checkpoint",
			t.Provisioned, t.RowsSeconds, t.WithDatabase, t.DatabaseMsEach), "")
		row("tenants", "cold activation, one at a time (database present)", lat(t.ColdActivation))
		row("tenants", "", t.ColdCPU.perOp(t.ColdRate, "activation"))
		row("tenants", fmt.Sprintf("cold activation, %d at once", t.ColdConcurrent.Count), lat(t.ColdConcurrent))
		row("tenants", "", t.ConcurrentCPU.String())
		row("tenants", "", t.ConcurrentCPU.perOp(t.ConcurrentRate, "activation"))
		row("tenants", "  tenant connections: opened / waited for budget / reclaimed",
			fmt.Sprintf("%d / %d / %d", t.Pool.Dials, t.Pool.Waits, t.Pool.Reclaimed))
		row("tenants", fmt.Sprintf("resident with %d active, %d conversations + %d WebSocket clients each (RSS %.0f → %.0f MB)",
			t.Active, t.Conversations, t.Clients, t.RSSBeforeMB, t.RSSAfterMB),
			fmt.Sprintf("%.0f KB RSS, %.0f KB Go heap+stacks, %.0f KB free in the heap's spans, %d goroutines per tenant",
				t.RSSPerTenantKB, t.HeapPerTenantKB, t.SpanFreePerTenantKB, t.Goroutines))
		row("tenants", fmt.Sprintf("postgres connections, %d active of %d", t.Active, t.Provisioned),
			fmt.Sprintf("%d to tenant dbs (engine gauge %d, bound %d), %d on the server", t.TenantDBConns, t.EngineConns, t.MaxConns, t.ServerConns))
	}
	if f := r.Fanout; f != nil {
		row("fan-out", fmt.Sprintf("%d clients over %d tenants, %.0f msg/s", f.Clients, f.Tenants, f.MessagesPerSec),
			fmt.Sprintf("%d/%d frames, %d errors, connected in %.1f s", f.Frames, f.FramesExpected, f.Errors, f.ConnectSeconds))
		row("fan-out", "commit acknowledged → frame", lat(f.CommitToFrame))
		row("fan-out", "arrival → frame (includes the commit)", lat(f.ToFrame))
		row("fan-out", "arrival → commit acknowledged", lat(f.ToAck))
		row("fan-out", "", f.CPU.String())
	}
	if c := r.Cluster; c != nil {
		c.print(row)
	}
	if m := r.Media; m != nil {
		row("media", fmt.Sprintf("POST /api/media, %d files of %d MiB one at a time", m.Uploads, m.FileBytes>>20),
			fmt.Sprintf("%.0f MiB/s; %s per file", m.UploadMBps, lat(m.UploadMs)))
		row("media", fmt.Sprintf("GET /api/media/:id, %d files", m.Downloads),
			fmt.Sprintf("%.0f MiB/s; %s per file", m.DownloadMBps, lat(m.DownloadMs)))
		row("media", "bench process while one more file goes up and down: live heap / RSS; allocated during the runs above",
			fmt.Sprintf("live heap %.1f → peak %.1f MiB (+%.1f), RSS %.0f → peak %.0f MiB (+%.1f), %s bytes allocated per MiB moved",
				m.HeapBeforeMB, m.HeapPeakMB, m.HeapPeakMB-m.HeapBeforeMB, m.RSSBeforeMB, m.RSSPeakMB, m.RSSPeakMB-m.RSSBeforeMB,
				thousands(m.AllocPerMiB)))
		row("media", "", m.CPU.String())
	}
	if s := r.Servers; s != nil {
		s.print(row)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row("target", "value", "goal", "")
	row("------", "-----", "----", "")
	for _, t := range r.Targets {
		verdict := "PASS"
		if !t.Passed {
			verdict = "FAIL"
		}
		row(t.Name, t.Value, t.Goal, verdict)
	}
	_ = tw.Flush()
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, e := range r.Errors {
		fmt.Fprintln(w, "error:", e)
	}
}

func formatConfig(c map[string]any) string {
	keys := []string{"AEZEN_DB_MAX_CONNS", "AEZEN_TENANT_MAX_CONNS", "GOMAXPROCS", "note"}
	var parts []string
	for _, k := range keys {
		if v, ok := c[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

// write stores the results as JSON in path and in a dated copy next to it.
func (r *Results) write(path string, at time.Time) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	dated := strings.TrimSuffix(path, ".json") + "-" + at.UTC().Format("20060102T150405Z") + ".json"
	return os.WriteFile(dated, b, 0o644)
}
