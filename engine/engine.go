// Package engine is the composition root: it opens the node-wide services (databases, platform clients),
// starts the actor system and builds the HTTP server on top. It is the only package that imports every
// layer; cmd/aezen, the benchmark and the test kit start nodes through it.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/tenant"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/httpapi"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// Engine is a whole node: databases, actor system and HTTP server, wired together.
type Engine struct {
	Deps     *node.Deps
	Node     *node.Node
	Accounts *accounts.Service
	Server   *httpapi.Server
	Hub      *httpapi.Hub
}

// Start connects to PostgreSQL, creates and migrates the master database, joins the cluster and builds
// the HTTP server (call Server.Listen to serve).
func Start(ctx context.Context, cfg *config.Config, log *slog.Logger, opts ...Option) (*Engine, error) {
	deps, err := OpenDeps(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(deps)
	}
	hub := httpapi.NewHub()
	node, err := node.StartNode(deps, node.NodeOptions{Sink: hub, Tenant: tenant.Props})
	if err != nil {
		deps.Close()
		return nil, err
	}
	acc := accounts.New(cfg, deps.Master, deps.Servers)
	server := httpapi.NewServer(httpapi.Services{Config: cfg, Log: log, Node: node, Accounts: acc, Hub: hub,
		Metrics: poolGauges(deps.Servers)})
	return &Engine{Deps: deps, Node: node, Accounts: acc, Hub: hub, Server: server}, nil
}

// OpenDeps connects the node-wide services: the server's admin connection, the master database, the
// tenant pool manager, the credential cipher and the platform clients.
func OpenDeps(ctx context.Context, cfg *config.Config, log *slog.Logger) (*node.Deps, error) {
	key, err := cfg.EncryptionKeyBytes()
	if err != nil {
		return nil, err
	}
	cipher, err := persistence.NewCipher(key)
	if err != nil {
		return nil, err
	}
	servers, err := OpenServers(ctx, cfg)
	if err != nil {
		return nil, err
	}
	def, _ := servers.Get(persistence.DefaultServer)
	admin := def.Admin
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := admin.Ping(pingCtx); err != nil {
		servers.Close()
		return nil, fmt.Errorf("PostgreSQL at DATABASE_URL does not answer: %w", err)
	}
	master, err := persistence.OpenMaster(ctx, admin, cfg.DatabaseURL, cfg.MasterDB, 16)
	if err != nil {
		servers.Close()
		return nil, err
	}
	if err := master.RegisterServers(ctx, servers.Names()); err != nil {
		master.Close()
		servers.Close()
		return nil, fmt.Errorf("recording the database servers in the master database: %w", err)
	}
	webhook := sessions.NewWebhook(cfg.WebhookTimeout, cfg.AllowPrivateWebhooks())
	webhook.Untimed = cfg.SignatureLegacy
	channels := &sessions.Registry{Webhook: webhook, WhatsApp: sessions.NewWhatsmeowFactory(log),
		Fetcher: sessions.NewFetcher(cfg.WebhookTimeout, cfg.AllowPrivateWebhooks())}
	return &node.Deps{
		Config:   cfg,
		Admin:    admin,
		Master:   master,
		Pools:    def.Pools,
		Servers:  servers,
		Cipher:   cipher,
		Channels: channels,
		Log:      log,
	}, nil
}

// OpenServers opens the tenant database servers of cfg (DATABASE_URL as "default", then AEZEN_DB_SERVERS),
// each with its own connection budget of AEZEN_DB_MAX_CONNS.
func OpenServers(ctx context.Context, cfg *config.Config) (*persistence.Servers, error) {
	list, err := cfg.DBServerList()
	if err != nil {
		return nil, err
	}
	specs := make([]persistence.ServerSpec, len(list))
	for i, s := range list {
		specs[i] = persistence.ServerSpec{Name: s.Name, URL: s.URL}
	}
	return persistence.OpenServers(ctx, specs, cfg.DBMaxConns, cfg.TenantMaxConns)
}

// poolGauges are the /metrics gauges of the node's tenant database connections, per server (label server).
func poolGauges(servers *persistence.Servers) []prometheus.Collector {
	var out []prometheus.Collector
	for _, name := range servers.Names() {
		pools := must(servers.Get(name)).Pools
		labels := prometheus.Labels{"server": name}
		out = append(out,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_pools_open", ConstLabels: labels,
				Help: "Tenant database pools open on this member, per database server."},
				func() float64 { return float64(pools.OpenPools()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_open", ConstLabels: labels,
				Help: "Tenant database connections open on this member, per database server."},
				func() float64 { return float64(pools.OpenConns()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_max", ConstLabels: labels,
				Help: "Bound on tenant database connections of this member, per database server."},
				func() float64 { return float64(pools.MaxConns()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "aezen_tenant_connection_waits_total", ConstLabels: labels,
				Help: "Tenant database dials that found this server's connection budget exhausted."},
				func() float64 { return float64(pools.Counters().Waits) }),
		)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Stop drains WebSocket clients, stops serving, passivates this node's tenants and closes the databases.
func (e *Engine) Stop() {
	_ = e.Server.Shutdown(10 * time.Second)
	e.Node.Stop()
	e.Deps.Close()
}

// Option adjusts a node's services before it starts (tests use it to plug in fakes).
type Option func(*node.Deps)

// WithWhatsApp replaces the real WhatsApp client factory, e.g. with the test kit's fakewhatsapp.WhatsApp.
func WithWhatsApp(f sessions.WhatsAppFactory) Option {
	return func(d *node.Deps) { d.Channels.WhatsApp = f }
}

// MigrateAll upgrades every tenant database to the latest schema (aezen migrate); report hears each one.
func MigrateAll(ctx context.Context, cfg *config.Config, deps *node.Deps, report func(persistence.Tenant, error)) error {
	return accounts.New(cfg, deps.Master, deps.Servers).MigrateAll(ctx, report)
}
