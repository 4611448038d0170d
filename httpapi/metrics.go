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

// metricsHandler serves the default registry (package metrics) plus this server's own registry (the node's
// gauges given in Services.Metrics).
func (s *Server) metricsHandler() fiber.Handler {
	gatherers := prometheus.Gatherers{prometheus.DefaultGatherer, s.metrics}
	return adaptor.HTTPHandler(promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{}))
}
