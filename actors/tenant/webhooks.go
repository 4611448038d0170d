package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// Event webhooks are delivered from the tenant database's outbox (webhook_deliveries, written by triggers in
// the transaction of each change: tenant migration 014) by the tenant's webhookDispatcher, a child of the
// tenant actor. Being a child, it runs only where the tenant's activation (and lease) is, and a restarted or
// moved tenant resumes the outbox where it was. Its actor only passes pokes to a goroutine of its own, so
// neither the tenant's mailbox nor its own ever waits on the database or a receiver.
const (
	// webhookPoll is how often the outbox is read while an endpoint is active, as a fallback: the db
	// writer pokes the dispatcher after each group commit, the queries that may enqueue deliveries after
	// theirs (queryWakingWebhooks) and a WhatsApp session after storing a new status, so a change is
	// normally sent at once (a label change: median 513 ms before the pokes, 28 ms after, in
	// TestEventWebhookLatencyOfQueryChanges's log on the shared 2-core machine).
	webhookPoll = 500 * time.Millisecond
	// webhookIdleCheck is how often the loop reads the endpoints again on its own (an endpoint the
	// dispatcher turned off); changes through the API tell it at once.
	webhookIdleCheck = 30 * time.Second
	// webhookRetry is the pause after the database failed to answer.
	webhookRetry = 5 * time.Second
	// webhookBatch is how many deliveries one round reads; webhookParallel how many are in flight at once
	// (each is the head of its own conversation, customer, order or channel).
	webhookBatch    = 64
	webhookParallel = 8
)

// webhookPoke asks the dispatcher to read the outbox now.
type webhookPoke struct{}

// webhookBacklog tells the tenant whether deliveries are waiting: while they are, it keeps its wakeup (so a
// restart resumes them) and does not passivate.
type webhookBacklog struct{ pending bool }

type webhookDispatcher struct {
	store  *persistence.TenantStore
	client *sessions.Webhook
	cfg    *config.Config
	log    *slog.Logger
	poke   chan struct{}
	life   context.Context
	stop   context.CancelFunc
	// running is set while the loop's goroutine runs (only while some endpoint is active).
	running bool
	// active mirrors "some endpoint is active" for the actor, which drops the db writer's pokes otherwise
	// (a tenant without webhooks costs nothing per commit); recheck asks the loop to read the endpoints again.
	active, recheck atomic.Bool
}

func newWebhookDispatcher(store *persistence.TenantStore, client *sessions.Webhook, cfg *config.Config, log *slog.Logger) *webhookDispatcher {
	return &webhookDispatcher{store: store, client: client, cfg: cfg, log: log.With("actor", "webhooks"), poke: make(chan struct{}, 1)}
}

func (d *webhookDispatcher) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Started:
		// The loop starts when the tenant finds an active endpoint after activation (afterActivation asks,
		// on the connection it already holds) or when one is created or turned on.
		life, stop := context.WithCancel(context.Background())
		d.life, d.stop = life, stop
	case *webhookPoke:
		if d.active.Load() {
			d.wake()
		}
	case *ops.WebhooksChanged:
		if d.running {
			d.recheck.Store(true)
			d.wake()
		} else {
			d.start(ctx)
		}
	case *webhookLoopEnded:
		d.running = false
		if d.recheck.Load() { // an endpoint changed while the loop was ending
			d.start(ctx)
		}
	case *actor.Stopping, *actor.Restarting:
		if d.stop != nil {
			d.stop()
		}
	}
}

// webhookLoopEnded: the loop found no active endpoint and ended (a tenant without webhooks keeps no
// goroutine for them); creating or re-enabling one starts it again.
type webhookLoopEnded struct{}

func (d *webhookDispatcher) start(ctx actor.Context) {
	if d.life.Err() != nil {
		return
	}
	d.running = true
	d.recheck.Store(true)
	root, tenant, self := ctx.ActorSystem().Root, ctx.Parent(), ctx.Self()
	go d.run(d.life, func(pending bool) { root.Send(tenant, &webhookBacklog{pending: pending}) },
		func() { root.Send(self, &webhookLoopEnded{}) })
}

func (d *webhookDispatcher) wake() {
	select {
	case d.poke <- struct{}{}:
	default:
	}
}

// run reads the outbox and delivers while an endpoint is active and life lasts.
func (d *webhookDispatcher) run(life context.Context, report func(pending bool), ended func()) {
	reported, active := false, false
	lastActiveCheck := time.Time{}
	for life.Err() == nil {
		wait := webhookPoll
		if d.recheck.Swap(false) || time.Since(lastActiveCheck) > webhookIdleCheck {
			c, cancel := context.WithTimeout(life, d.cfg.DBTimeout)
			ok, err := d.store.HasActiveWebhooks(c)
			cancel()
			switch {
			case err != nil && life.Err() == nil:
				d.log.Warn("reading the webhook endpoints", "err", err)
				d.recheck.Store(true)
				wait = webhookRetry
			case err == nil:
				active, lastActiveCheck = ok, time.Now()
				d.active.Store(ok)
				if !active {
					if reported {
						report(false)
					}
					ended()
					return
				}
			}
		}
		if active && wait == webhookPoll {
			sent, next, err := d.round(life)
			switch {
			case err != nil && life.Err() == nil:
				d.log.Warn("reading the webhook outbox", "err", err)
			case sent > 0:
				wait = 0
			}
			pending := sent > 0 || next != nil
			if pending != reported {
				reported = pending
				report(pending)
			}
			if next != nil {
				if until := time.Until(*next); until < wait {
					wait = max(until, 10*time.Millisecond)
				}
			}
		}
		if wait == 0 {
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-life.Done():
		case <-d.poke:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// round sends the deliveries that are due, at most webhookParallel at a time; it returns how many it
// attempted and when the next waiting one is due.
func (d *webhookDispatcher) round(life context.Context) (int, *time.Time, error) {
	c, cancel := context.WithTimeout(life, d.cfg.DBTimeout)
	due, next, err := d.store.DueDeliveries(c, webhookBatch)
	var hooks []persistence.Webhook
	if err == nil && len(due) > 0 {
		hooks, err = d.store.ListWebhooks(c)
	}
	cancel()
	if err != nil || len(due) == 0 {
		return 0, next, err
	}
	byID := make(map[uuid.UUID]persistence.Webhook, len(hooks))
	for _, h := range hooks {
		byID[h.WebhookID] = h
	}
	sem := make(chan struct{}, webhookParallel)
	var wg sync.WaitGroup
	for _, del := range due {
		hook, ok := byID[del.WebhookID]
		if !ok {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.deliver(life, hook, del)
		}()
	}
	wg.Wait()
	return len(due), nil, nil
}

// deliver sends one delivery and records the outcome.
func (d *webhookDispatcher) deliver(life context.Context, hook persistence.Webhook, del persistence.WebhookDelivery) {
	c, cancel := context.WithTimeout(life, d.cfg.DBTimeout+d.cfg.WebhookTimeout)
	defer cancel()
	payload := []byte(del.Payload)
	var stored []byte // written with the outcome when rendered now (the first attempt)
	if len(payload) == 0 {
		var err error
		if payload, err = d.render(c, del); err != nil {
			d.log.Warn("rendering a webhook event", "delivery", del.DeliveryID, "err", err)
			d.failed(c, del, nil, "the event could not be prepared (database error); retried", nil)
			return
		}
		stored = payload
	}
	secret, err := d.store.OpenWebhookSecret(hook)
	if err != nil {
		d.log.Error("opening a webhook secret", "webhook", hook.WebhookID, "err", err)
		return
	}
	sendCtx, sendCancel := context.WithTimeout(c, d.cfg.WebhookTimeout)
	status, err := d.client.Deliver(sendCtx, hook.URL, secret, del.DeliveryID.String(), payload)
	sendCancel()
	if life.Err() != nil {
		return // stopping: the outcome of an interrupted attempt is not recorded; it is sent again
	}
	if err == nil {
		if err := d.store.DeliverySucceeded(c, del, status, stored); err != nil {
			d.log.Warn("recording a webhook delivery", "delivery", del.DeliveryID, "err", err)
		}
		return
	}
	d.log.Debug("webhook delivery failed", "webhook", hook.WebhookID, "delivery", del.DeliveryID, "err", err)
	var code *int
	var se *sessions.StatusError
	if errors.As(err, &se) {
		code = &se.Code
	}
	d.failed(c, del, code, sessions.DeliveryError(err), stored)
}

// failed records a failed attempt: retried after a backoff that doubles per attempt, and counted against the
// endpoint, which is turned off after AEZEN_EVENT_WEBHOOK_DISABLE_AFTER failures in a row.
func (d *webhookDispatcher) failed(c context.Context, del persistence.WebhookDelivery, code *int, reason string, stored []byte) {
	backoff := d.cfg.WebhookBackoff << min(del.Attempts, 20)
	if backoff > d.cfg.WebhookMaxBackoff || backoff <= 0 {
		backoff = d.cfg.WebhookMaxBackoff
	}
	disabled := fmt.Sprintf("turned off after %d failed deliveries in a row; the last: %s", d.cfg.EventWebhookDisableAfter, reason)
	if err := d.store.DeliveryFailed(c, del, code, reason, stored, time.Now().Add(backoff), d.cfg.WebhookMaxAttempts,
		d.cfg.EventWebhookDisableAfter, disabled); err != nil {
		d.log.Warn("recording a failed webhook delivery", "delivery", del.DeliveryID, "err", err)
	}
}

// webhookBody is what an endpoint receives.
type webhookBody struct {
	EventID   uuid.UUID      `json:"eventId"`
	Event     string         `json:"event"`
	CreatedAt time.Time      `json:"createdAt"`
	Data      map[string]any `json:"data"`
}

// render builds an event's body from the entity as it is when first delivered (a retry sends the same
// bytes). An entity deleted meanwhile is described by its id and "deleted": true.
func (d *webhookDispatcher) render(c context.Context, del persistence.WebhookDelivery) ([]byte, error) {
	data := map[string]any{}
	var err error
	id := del.EntityID
	switch {
	case strings.HasPrefix(del.Event, "message."):
		var m persistence.Message
		if m, err = d.store.GetMessage(c, id); err == nil {
			if m.Media != nil && d.store.MediaURL != nil {
				m.Media.URL = d.store.MediaURL(m.Media.MediaID) // signed for AEZEN_MEDIA_URL_TTL from the first attempt
			}
			data["message"] = queries.MessageView(m)
		}
		data["chatId"] = del.OrderKey
	case del.Event == "conversation.updated":
		var conv persistence.Conversation
		if conv, err = d.store.GetConversation(c, id); err == nil {
			data["conversation"] = queries.ConversationView(conv)
		}
		data["chatId"] = id
	case del.Event == "customer.updated":
		var cu persistence.Customer
		if cu, err = d.store.GetCustomer(c, id); err == nil {
			data["customer"] = queries.CustomerView(cu)
		}
		data["customerId"] = id
	case strings.HasPrefix(del.Event, "order."):
		var o persistence.Order
		if o, err = d.store.GetOrder(c, id); err == nil {
			data["order"] = queries.OrderView(o)
		}
		data["orderId"] = id
	case del.Event == "channel.status":
		var ch persistence.Channel
		if ch, err = d.store.GetChannel(c, id); err == nil {
			data["channel"] = channelStatusData(ch, del.Detail)
		}
		data["channelId"] = id
	}
	if errors.Is(err, domain.ErrNotFound) {
		data["deleted"], err = true, nil
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(webhookBody{EventID: del.DeliveryID, Event: del.Event, CreatedAt: del.CreatedAt, Data: data})
}

// channelStatusData is a channel.status event's channel: isActive and, for a WhatsApp number, its
// connection {status, lastError, jid} as they were when the event was enqueued (the delivery's detail),
// else as the channel is now.
func channelStatusData(ch persistence.Channel, detail json.RawMessage) map[string]any {
	out := map[string]any{"channelId": ch.ChannelID, "platformType": ch.PlatformType, "channelName": ch.ChannelName, "isActive": ch.IsActive}
	var d struct {
		IsActive   *bool           `json:"isActive"`
		Connection json.RawMessage `json:"connection"`
	}
	if len(detail) > 0 && json.Unmarshal(detail, &d) == nil {
		if d.IsActive != nil {
			out["isActive"] = *d.IsActive
		}
		if len(d.Connection) > 0 && string(d.Connection) != "null" {
			out["connection"] = d.Connection
		}
	}
	return out
}

// webhookProps are the dispatcher's props.
func webhookProps(store *persistence.TenantStore, n *node.Node, log *slog.Logger) *actor.Props {
	deps := n.Deps()
	return actor.PropsFromProducer(func() actor.Actor {
		return newWebhookDispatcher(store, deps.Channels.Webhook, deps.Config, log)
	}, actor.WithDispatcher(node.Dispatcher))
}
