// Package bench is the benchmark suite (cmd/aezen-bench, make bench): it measures a node of the engine against the machine's own limits (the
// PostgreSQL ceiling for the engine's write pattern), then a cluster of three member processes, and prints
// one table, also written as JSON. It creates its own master databases and tenants on the server named by
// DATABASE_URL and drops them at the end.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"
)

// Options are the command-line flags of aezen-bench.
type Options struct {
	Quick bool
	// Out is the JSON file; a dated copy is written next to it.
	Out string
	// Only lists the phases to run (comma separated); empty runs them all.
	Only string
	// DBMaxConns overrides AEZEN_DB_MAX_CONNS of the node in the messaging phases. By default it is the
	// engine's default or, when larger, the messaging tenants plus some room: each busy tenant needs a
	// connection of its own, and a budget below the busy tenants measures tenants taking turns instead.
	// The tenants phase always runs with the engine's default.
	DBMaxConns int
	// SendRate overrides the offered load of the open-loop send run (requests per second).
	SendRate float64
	// Profiles of the bench process (engine and load generators together), for finding what limits a figure.
	CPUProfile, MutexProfile, BlockProfile, AllocProfile string
	// HeapProfile: PREFIX-{heap,goroutine}-{before,after}.pprof at the tenants phase's memory measurements.
	HeapProfile string
	// NodeBinary is the engine binary the cluster phase runs its members from; empty builds cmd/aezen.
	NodeBinary string
}

// sizes are the dimensions of one run.
type sizes struct {
	tenants, chats             int
	ceilingWindow              time.Duration
	ingestWarm, ingestWindow   time.Duration
	sendRate                   float64
	sendWarm, sendWindow       time.Duration
	satWorkers                 int
	satWindow                  time.Duration
	provisioned, withDB, cold  int
	fanClients                 int
	fanRate                    float64
	fanWarm, fanWindow         time.Duration
	batchRows                  int
	webhookDrain, phasePause   time.Duration
	sendSteps                  []float64
	stepWarm, stepWindow       time.Duration
	quickNote, provisionedNote string
	// The cluster phase: its own tenants, signed up through the members.
	clusterTenants, clusterChats int
	clusterWarm, clusterWindow   time.Duration
	// The media phase: files of 16 MiB up, then down.
	mediaFiles int
}

var full = sizes{tenants: 100, chats: 50, ceilingWindow: 8 * time.Second, ingestWarm: 3 * time.Second, ingestWindow: 15 * time.Second,
	sendRate: 2000, sendWarm: 2 * time.Second, sendWindow: 15 * time.Second, satWorkers: 64, satWindow: 10 * time.Second,
	provisioned: 10000, withDB: 1000, cold: 200, fanClients: 5000, fanRate: 100, fanWarm: 2 * time.Second, fanWindow: 10 * time.Second,
	batchRows: 100, webhookDrain: 15 * time.Second, phasePause: 2 * time.Second,
	sendSteps: []float64{250, 500, 1000, 1500}, stepWarm: time.Second, stepWindow: 6 * time.Second,
	clusterTenants: 30, clusterChats: 20, clusterWarm: 3 * time.Second, clusterWindow: 15 * time.Second, mediaFiles: 8}

var quick = sizes{tenants: 10, chats: 20, ceilingWindow: 3 * time.Second, ingestWarm: time.Second, ingestWindow: 5 * time.Second,
	sendRate: 2000, sendWarm: time.Second, sendWindow: 5 * time.Second, satWorkers: 64, satWindow: 4 * time.Second,
	provisioned: 1000, withDB: 100, cold: 40, fanClients: 1000, fanRate: 100, fanWarm: time.Second, fanWindow: 4 * time.Second,
	batchRows: 100, webhookDrain: 5 * time.Second, phasePause: time.Second,
	sendSteps: []float64{500}, stepWarm: time.Second, stepWindow: 3 * time.Second,
	clusterTenants: 10, clusterChats: 10, clusterWarm: 2 * time.Second, clusterWindow: 6 * time.Second, mediaFiles: 3}

var phases = []string{"ceiling", "ingest", "send", "fanout", "tenants", "media", "servers", "cluster"}

// Run is `aezen-bench [flags]`.
func Run(args []string) error {
	var o Options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.BoolVar(&o.Quick, "quick", false, "a small run for development (under 2 minutes)")
	fs.StringVar(&o.Out, "out", "bench/results.json", "JSON results file (a dated copy is written next to it)")
	fs.StringVar(&o.Only, "only", "", "comma-separated phases to run: "+strings.Join(phases, ","))
	fs.IntVar(&o.DBMaxConns, "db-max-conns", 0, "AEZEN_DB_MAX_CONNS in the messaging phases (default: the engine's, or tenants+28 if larger)")
	fs.Float64Var(&o.SendRate, "send-rate", 0, "offered load of the open-loop send run (default 2000 req/s)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of each phase (PREFIX-<phase>.pprof)")
	fs.StringVar(&o.MutexProfile, "mutexprofile", "", "write a mutex contention profile of the run")
	fs.StringVar(&o.BlockProfile, "blockprofile", "", "write a blocking profile of the run")
	fs.StringVar(&o.AllocProfile, "allocprofile", "", "write an allocation profile of the run")
	fs.StringVar(&o.HeapProfile, "heapprofile", "", "write the live heap and the goroutines at the tenants phase's memory measurement (PREFIX-heap-before.pprof, PREFIX-heap-after.pprof, and the same for goroutine)")
	fs.StringVar(&o.NodeBinary, "node", "", "engine binary for the cluster phase's members (default: go build ./cmd/aezen)")
	holder := fs.Bool("ws-holder", false, "internal: hold the WebSocket clients of the tenants phase (a child process)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *holder {
		return runWSHolder()
	}
	for _, p := range splitList(o.Only) {
		if !contains(phases, p) {
			return fmt.Errorf("unknown phase %q (phases: %s)", p, strings.Join(phases, ", "))
		}
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is not set: run `make bench`, which starts a private durable PostgreSQL")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stopProfiles, err := startProfiles(o)
	if err != nil {
		return err
	}
	res, runErr := run(ctx, o, url)
	if err := stopProfiles(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: writing profiles:", err)
	}
	if res != nil {
		res.Print(os.Stdout)
		if err := res.write(o.Out, time.Now()); err != nil {
			return err
		}
		fmt.Printf("\nresults written to %s\n", o.Out)
	}
	return runErr
}

func (o Options) wants(phase string) bool {
	return o.Only == "" || contains(splitList(o.Only), phase)
}

// run sets up, runs the phases in order and always cleans up. A failing phase is reported and the others
// still run when they can: this is a report, not a test.
func run(ctx context.Context, o Options, url string) (res *Results, err error) {
	sz, mode := full, "full"
	if o.Quick {
		sz, mode = quick, "quick"
	}
	if o.SendRate > 0 {
		sz.sendRate = o.SendRate
	}
	began := time.Now()
	say("setting up: master database, template tenant database, %d tenants", sz.tenants)
	e, err := newEnv(ctx, o, url)
	if err != nil {
		if e != nil {
			_ = e.cleanup()
		}
		return nil, fmt.Errorf("setting up: %w", err)
	}
	defer func() {
		say("cleaning up: dropping %d databases", len(e.databases)+2)
		if cerr := e.cleanup(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	res = &Results{StartedAt: began.UTC().Format(time.RFC3339), Mode: mode, Machine: describeMachine(ctx, e.server),
		Config: map[string]any{"AEZEN_DB_MAX_CONNS": fmt.Sprintf("%d in the messaging phases, %d in the tenants phase",
			messagingConns(o, sz, e.cfg.DBMaxConns), e.cfg.DBMaxConns),
			"AEZEN_TENANT_MAX_CONNS": e.cfg.TenantMaxConns, "GOMAXPROCS": runtime.GOMAXPROCS(0)}}
	fail := func(phase string, err error) {
		res.Errors = append(res.Errors, phase+": "+err.Error())
		say("%s failed: %v", phase, err)
	}
	if o.wants("ceiling") || o.wants("ingest") || o.wants("send") || o.wants("fanout") {
		if err := e.messagingPhases(ctx, o, sz, res); err != nil {
			fail("messaging", err)
		}
	}
	if o.wants("tenants") && ctx.Err() == nil {
		if err := e.tenantPhases(ctx, sz, res); err != nil {
			fail("tenants", err)
		}
	}
	if o.wants("media") && ctx.Err() == nil {
		if err := e.mediaPhase(ctx, sz.mediaFiles, res); err != nil {
			fail("media", err)
		}
	}
	if o.wants("servers") && ctx.Err() == nil {
		if err := e.runServersPhase(ctx, res); err != nil {
			fail("servers", err)
		}
	}
	// Last: its members are separate processes with a master database of their own, and running it after
	// the single-node phases leaves their conditions as they were.
	if o.wants("cluster") && ctx.Err() == nil {
		if err := e.runClusterPhase(ctx, o, sz, res); err != nil {
			fail("cluster", err)
		}
	}
	res.Machine.LoadEnd = loadAverage()
	res.Seconds = time.Since(began).Seconds()
	res.evaluate()
	return res, ctx.Err()
}

// messagingConns is the connection budget of the messaging phases.
func messagingConns(o Options, sz sizes, def int) int {
	if o.DBMaxConns > 0 {
		return o.DBMaxConns
	}
	return max(def, sz.tenants+28)
}

func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
