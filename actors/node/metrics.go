package node

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	metricClusterRequestErrors = promauto.NewCounter(prometheus.CounterOpts{
		Name: "aezen_cluster_request_errors_total", Help: "Requests to tenant grains that failed after retries.",
	})
	metricLeaseRefused = promauto.NewCounter(prometheus.CounterOpts{
		Name: "aezen_tenant_lease_refused_total", Help: "Activations refused because another member held the tenant's lease.",
	})
	metricLeaseLost = promauto.NewCounter(prometheus.CounterOpts{
		Name: "aezen_tenant_lease_lost_total", Help: "Tenant actors stopped because their lease was lost.",
	})
	metricClusterRetries = promauto.NewCounter(prometheus.CounterOpts{
		Name: "aezen_cluster_request_retries_total", Help: "Requests to tenant grains retried (member lost, grain moving).",
	})
	metricClusterRequestSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "aezen_cluster_request_seconds", Help: "Time for a tenant grain to answer a request, retries included.",
		Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16),
	})
)
