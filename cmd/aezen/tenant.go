package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/google/uuid"

	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/persistence"
)

const tenantUsage = `usage: aezen tenant <command>

  list                          every tenant with its status and database server
  move [--keep-source] TENANT_ID SERVER
                                move the tenant's database to SERVER ("default" or a name of AEZEN_DB_SERVERS)
                                with a short write pause; the old database is dropped unless --keep-source
`

// tenantCmd runs `aezen tenant …`: operator commands on one tenant, run beside the members with their
// configuration (DATABASE_URL, AEZEN_MASTER_DB, AEZEN_DB_SERVERS).
func tenantCmd(args []string) error {
	// These commands never join the cluster: the members' cluster settings, when given, are not checked.
	_ = os.Setenv("AEZEN_CLUSTER_PROVIDER", "none")
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, tenantUsage)
		os.Exit(2)
	}
	switch args[0] {
	case "list":
		return tenantList()
	case "move":
		return tenantMove(args[1:])
	default:
		fmt.Fprintf(os.Stderr, "unknown tenant command %q\n\n%s", args[0], tenantUsage)
		os.Exit(2)
	}
	return nil
}

func tenantList() error {
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
	tenants, err := deps.Master.ListTenants(ctx)
	if err != nil {
		return err
	}
	sort.SliceStable(tenants, func(i, j int) bool { return tenants[i].Server < tenants[j].Server })
	for _, t := range tenants {
		fmt.Printf("%s\t%s\t%s\t%s\n", t.TenantID, t.Server, t.Status, t.Name)
	}
	return nil
}

func tenantMove(args []string) error {
	fs := flag.NewFlagSet("aezen tenant move", flag.ContinueOnError)
	keep := fs.Bool("keep-source", false, "keep the old database after the switch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("usage: aezen tenant move [--keep-source] TENANT_ID SERVER")
	}
	id, err := uuid.Parse(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("%q is not a tenant id", fs.Arg(0))
	}
	cfg, log, err := loadConfig()
	if err != nil {
		return err
	}
	// Ctrl-C before the switch leaves the tenant where it was.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	deps, err := engine.OpenDeps(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()
	rep, err := persistence.MoveTenant(ctx, deps.Master, deps.Servers, id, fs.Arg(1), persistence.MoveOptions{
		PGBin: cfg.PGBin, KeepSource: *keep,
		Log: func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	fmt.Printf("moved tenant %s from %s to %s: writes paused %d ms (stopping %d ms, copy %d ms), %d messages\n",
		id, rep.From, rep.To, rep.Paused.Milliseconds(), rep.Stopping.Milliseconds(), rep.Copy.Milliseconds(), rep.Rows["messages"])
	return nil
}
