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
	acc := accounts.New(cfg, deps.Master, deps.Admin)
	server := httpapi.NewServer(httpapi.Services{Config: cfg, Log: log, Node: node, Accounts: acc, Hub: hub,
		Metrics: poolGauges(deps.Pools)})
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
	admin, err := persistence.NewAdmin(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := admin.Ping(pingCtx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("PostgreSQL at DATABASE_URL does not answer: %w", err)
	}
	master, err := persistence.OpenMaster(ctx, admin, cfg.DatabaseURL, cfg.MasterDB, 16)
	if err != nil {
		admin.Close()
		return nil, err
	}
	webhook := sessions.NewWebhook(cfg.WebhookTimeout, cfg.AllowPrivateWebhooks())
	webhook.Untimed = cfg.SignatureLegacy
	channels := &sessions.Registry{Webhook: webhook, WhatsApp: sessions.NewWhatsmeowFactory(log)}
	return &node.Deps{
		Config:   cfg,
		Admin:    admin,
		Master:   master,
		Pools:    persistence.NewPoolManager(cfg.DatabaseURL, cfg.DBMaxConns, cfg.TenantMaxConns),
		Cipher:   cipher,
		Channels: channels,
		Log:      log,
	}, nil
}

// poolGauges are the /metrics gauges of the node's tenant database connections.
func poolGauges(pools *persistence.PoolManager) []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_pools_open", Help: "Tenant database pools open on this member."},
			func() float64 { return float64(pools.OpenPools()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_open", Help: "Tenant database connections open on this member."},
			func() float64 { return float64(pools.OpenConns()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_max", Help: "Bound on tenant database connections of this member."},
			func() float64 { return float64(pools.MaxConns()) }),
	}
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
	return accounts.New(cfg, deps.Master, deps.Admin).MigrateAll(ctx, report)
}
