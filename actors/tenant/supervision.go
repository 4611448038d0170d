package tenant

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// supervisionSpec declares, next to each parent, how it treats a crashing child: the strategy, how many
// restarts within which window before the child is stopped instead.
type supervisionSpec struct {
	name       string
	maxRetries int
	within     time.Duration
	// backoff, when set, restarts a crashing child after an exponentially growing pause.
	backoff time.Duration
}

// tenantSupervision governs a tenant's children: the db writer, conversation and session actors. A crashing
// child restarts alone (one-for-one) and never takes the tenant or its other chats down.
var tenantSupervision = supervisionSpec{name: "tenant", maxRetries: 10, within: time.Minute}

// sessionSupervision governs the actor that runs a channel connection: restarts pause with exponential
// backoff so a crash loop does not hammer the platform.
var sessionSupervision = supervisionSpec{name: "session", maxRetries: 0, within: 0, backoff: time.Second}

func (s supervisionSpec) strategy() actor.SupervisorStrategy {
	if s.backoff > 0 {
		return actor.NewExponentialBackoffStrategy(2*time.Minute, s.backoff)
	}
	decider := func(reason interface{}) actor.Directive {
		metricActorRestarts.WithLabelValues(s.name).Inc()
		return actor.RestartDirective
	}
	return actor.NewOneForOneStrategy(s.maxRetries, s.within, decider)
}
