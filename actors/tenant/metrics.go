package tenant

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	metricMailboxSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "aezen_tenant_mailbox_seconds",
		Help:    "Time a tenant actor's mailbox spends on one operation handled on it (not the work it hands to goroutines or conversation actors).",
		Buckets: []float64{0.00001, 0.0001, 0.001, 0.005, 0.02, 0.1},
	}, []string{"op"})
	metricActiveTenants = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "aezen_tenant_actors_active", Help: "Tenant actors active on this member.",
	})
	metricActiveConversations = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "aezen_conversation_actors_active", Help: "Conversation actors active on this member.",
	})
	metricActorRestarts = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "aezen_actor_restarts_total", Help: "Child actors restarted by their supervisor.",
	}, []string{"parent"})
	metricSendSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "aezen_send_commit_seconds", Help: "Time from a send reaching its conversation actor to its PENDING row committed.",
		Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16),
	})
	metricActivationSeconds = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "aezen_tenant_activation_seconds", Help: "Time to activate a tenant actor.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	})
	metricMessages = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "aezen_messages_total", Help: "Messages committed, by direction.",
	}, []string{"direction"})
	metricCommitBatch = promauto.NewHistogram(prometheus.HistogramOpts{
		Name: "aezen_group_commit_jobs", Help: "ops.Write jobs per group commit.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 11),
	})
)

func init() {
	// Export the restart counters at zero so dashboards see them before the first crash.
	for _, parent := range []string{tenantSupervision.name, sessionSupervision.name} {
		metricActorRestarts.WithLabelValues(parent)
	}
}
