// Command aezen runs the AEZEN messaging engine: `aezen serve` starts a node, `aezen migrate` upgrades the
// master and every tenant database. The benchmark suite is a binary of its own (cmd/aezen-bench), so that
// this one carries no benchmark.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/httpapi"
	"github.com/aezen/engine/internal/clustertls"
	"github.com/aezen/engine/persistence"
)

const usage = `usage: aezen <command>

commands:
  serve     start a node: HTTP API on AEZEN_HTTP_ADDR, member of the cluster
  migrate   upgrade the master database and every tenant database to the latest schema
  tenant list | move [--keep-source] TENANT_ID SERVER
            list tenants with their database server; move a tenant's database to another server
  cluster-ca DIR
            write a new cluster CA and a member certificate into DIR (ca.crt, ca.key, member.crt,
            member.key) for AEZEN_CLUSTER_TLS_CA/_CERT/_KEY; refuses to overwrite an existing ca.crt
  openapi   print the OpenAPI document of a development node (the web app's types are generated from it)
`

func main() {
	engine.TuneGC()
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve()
	case "migrate":
		err = migrate()
	case "tenant":
		err = tenantCmd(os.Args[2:])
	case "cluster-ca":
		err = clusterCA(os.Args[2:])
	case "openapi":
		_, err = os.Stdout.Write(httpapi.OpenAPIJSON(true))
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "aezen:", err)
		os.Exit(1)
	}
}

func loadConfig() (*config.Config, *slog.Logger, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, nil, err
	}
	return cfg, newLogger(cfg), nil
}

func newLogger(cfg *config.Config) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("AEZEN_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func serve() error {
	cfg, log, err := loadConfig()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile, err := startCPUProfile(os.Getenv("AEZEN_CPU_PROFILE"))
	if err != nil {
		return err
	}
	defer stopProfile()
	engine, err := engine.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- engine.Server.Listen() }()
	fmt.Fprintf(os.Stderr, `
AEZEN is serving on http://localhost%s (member %s, env %s)
  sign up:  curl -s -X POST http://localhost%[1]s/api/auth/register -H 'Content-Type: application/json' \
              -d '{"email":"owner@example.com","password":"change-me-now","businessName":"Acme"}'
  health:   curl -s http://localhost%[1]s/readyz
Press Ctrl-C to stop.

`, displayAddr(cfg.HTTPAddr), engine.Node.Address(), cfg.Env)
	select {
	case <-ctx.Done():
		log.Info("stopping: passivating tenants and draining clients")
	case err = <-errc:
	}
	engine.Stop()
	return err
}

// startCPUProfile profiles the node's CPU into path until the returned function runs (at shutdown), when
// path is set: how the bench profiles its cluster members, and an operator a node under real load.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("AEZEN_CPU_PROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("AEZEN_CPU_PROFILE: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return addr
	}
	return ":" + addr
}

func migrate() error {
	cfg, log, err := loadConfig()
	if err != nil {
		return err
	}
	ctx := context.Background()
	deps, err := engine.OpenDeps(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()
	fmt.Printf("master database %s: at version %d\n", cfg.MasterDB, persistence.MasterSchema.LatestVersion())
	return engine.MigrateAll(ctx, cfg, deps, func(t persistence.Tenant, err error) {
		if err != nil {
			fmt.Printf("tenant %s (%s): FAILED: %v\n", t.TenantID, t.DatabaseName, err)
			return
		}
		fmt.Printf("tenant %s (%s): at version %d\n", t.TenantID, t.DatabaseName, persistence.TenantSchema.LatestVersion())
	})
}

// clusterCA writes a cluster CA and one member certificate that every member may share.
func clusterCA(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: aezen cluster-ca DIR")
	}
	if _, err := os.Stat(filepath.Join(args[0], "ca.crt")); err == nil {
		return fmt.Errorf("%s already holds a cluster CA: members with certificates of different CAs cannot talk", args[0])
	}
	f, err := clustertls.WriteNew(args[0])
	if err != nil {
		return err
	}
	fmt.Printf("AEZEN_CLUSTER_TLS_CA=%s\nAEZEN_CLUSTER_TLS_CERT=%s\nAEZEN_CLUSTER_TLS_KEY=%s\n", f.CA, f.Cert, f.Key)
	return nil
}
