// Package httpapi is the engine's HTTP and WebSocket surface (Fiber). Handlers validate input, take the
// tenant from the verified token and hand the work to the tenant's grain through node.Node.
package httpapi

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/media"
)

// Server is the HTTP API of one node.
type Server struct {
	App             *fiber.App
	cfg             *config.Config
	node            *node.Node
	accounts        *accounts.Service
	hub             *Hub
	access          *wsAccessWatch
	log             *slog.Logger
	metrics         *prometheus.Registry
	auth            *authenticator
	tenantOfChannel *routeCache
	logins          *loginGuard
	signups         *signupGuard
	mediaSigner     *media.Signer
}

// Services are what the HTTP surface works with; the composition root (package engine) builds them.
type Services struct {
	Config   *config.Config
	Log      *slog.Logger
	Node     *node.Node
	Accounts *accounts.Service
	// Hub must be the sink the node was started with.
	Hub *Hub
	// Metrics are served at /metrics next to the default registry (gauges of the node's resources).
	Metrics []prometheus.Collector
}

// NewServer builds the router.
func NewServer(svc Services) *Server {
	cfg := svc.Config
	s := &Server{cfg: cfg, node: svc.Node, accounts: svc.Accounts, hub: svc.Hub, log: svc.Log,
		metrics: prometheus.NewRegistry(), auth: newAuthenticator(cfg), tenantOfChannel: newRouteCache(),
		logins: newLoginGuard(cfg), signups: newSignupGuard(cfg),
		mediaSigner: media.NewSigner(cfg.JWTSecret, cfg.MediaURLTTL, cfg.PublicURL)}
	s.access = &wsAccessWatch{s: s}
	s.metrics.MustRegister(svc.Metrics...)
	if svc.Hub != nil && svc.Node != nil {
		svc.Hub.SetPresenceReporter(svc.Node)
	}
	s.App = fiber.New(fiber.Config{
		AppName:   "aezen",
		BodyLimit: cfg.MaxBodyBytes,
		// Bodies are streamed so that an upload is never whole in memory; limitBody holds every other
		// route to BodyLimit, and multipart bodies are parsed only by the upload handler, as a stream.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 errorHandler(svc.Log),
		DisableStartupMessage:        true,
		ReadTimeout:                  cfg.ReadTimeout,
		ReadBufferSize:               cfg.MaxHeaderBytes,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  120 * time.Second,
	})
	s.App.Server().HeaderReceived = s.declaredTooLarge
	// The WebSocket handler takes the socket and lets fasthttp release the request (ws_upgrade.go); the
	// socket is then the connection's to close.
	s.App.Server().KeepHijackedConns = true
	s.App.Use(recover.New())
	s.App.Use(requestid.New(requestid.Config{Generator: func() string { return uuid.Must(uuid.NewV7()).String() }}))
	s.App.Use(s.observe)
	s.App.Use(s.limitBody)
	s.routes()
	return s
}

func (s *Server) routes() {
	s.App.Get("/healthz", s.healthz)
	s.App.Get("/readyz", s.readyz)
	s.App.Get("/metrics", s.metricsHandler())

	api := s.App.Group("/api")
	api.Post("/auth/register", s.register)
	api.Post("/auth/login", s.login)
	api.Post("/channels/:channelId/inbound", s.inbound)
	api.Post("/channels/:channelId/status", s.statusCallback)
	api.Get("/openapi.json", s.openAPIDocument)
	s.opsRoutes(api)

	s.mediaDownloadRoute(api)

	authed := api.Group("", s.requireAuth)
	authed.Get("/auth/me", s.me)
	s.teamRoutes(authed)
	s.apiKeyRoutes(authed)
	s.conversationRoutes(authed)
	s.channelRoutes(authed)
	s.entityRoutes(authed)
	s.whatsappRoutes(authed)
	s.devRoutes(authed)
	s.mediaRoutes(authed)

	s.App.Get("/ws", s.wsUpgrade, s.wsHandler())
	s.App.Use(s.webApp) // last: the web inbox answers what no route did
}

// observe counts requests by route and status.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status, _ = describeError(c, err, s.log)
	}
	// Fiber's strings point into reused buffers: copy them before they outlive the request.
	method, route := strings.Clone(c.Method()), strings.Clone(c.Route().Path)
	metricHTTPRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	metricHTTPSeconds.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	return err
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestid.ConfigDefault.ContextKey).(string); ok {
		return id
	}
	return ""
}

// Listen serves on the configured address until Shutdown.
func (s *Server) Listen() error { return s.App.Listen(s.cfg.HTTPAddr) }

// Shutdown closes WebSocket clients with a "reconnect" close frame and stops accepting requests.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.hub.CloseAll()
	return s.App.ShutdownWithTimeout(timeout)
}
