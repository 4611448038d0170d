package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	metricHTTPRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "aezen_http_requests_total", Help: "HTTP requests by method, route and status.",
	}, []string{"method", "route", "status"})
	metricHTTPSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name: "aezen_http_request_seconds", Help: "HTTP request latency by method and route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"method", "route"})
	metricWSClients = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "aezen_websocket_clients", Help: "WebSocket clients connected to this member.",
	})
	metricWSDropped = promauto.NewCounter(prometheus.CounterOpts{
		Name: "aezen_websocket_clients_dropped_total", Help: "WebSocket clients disconnected because they fell behind.",
	})
)

// metricsHandler serves the default registry (package metrics) plus this server's gauges of its node.
func (s *Server) metricsHandler() fiber.Handler {
	pools := s.deps.Pools
	s.metrics.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_pools_open", Help: "Tenant database pools open on this member."},
			func() float64 { return float64(pools.OpenPools()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_open", Help: "Tenant database connections open on this member."},
			func() float64 { return float64(pools.OpenConns()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "aezen_tenant_connections_max", Help: "Bound on tenant database connections of this member."},
			func() float64 { return float64(pools.MaxConns()) }),
	)
	gatherers := prometheus.Gatherers{prometheus.DefaultGatherer, s.metrics}
	return adaptor.HTTPHandler(promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{}))
}
