package ops

import (
	"slices"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Event webhook operations: the tenant's endpoints and their delivery log.
var (
	OpWebhookCreate     = Declare[Write[WebhookInput], WebhookCreated]("webhook.create")
	OpWebhookList       = Declare[None, WebhookList]("webhook.list")
	OpWebhookGet        = Declare[Ref, Webhook]("webhook.get")
	OpWebhookUpdate     = Declare[Write[WebhookInput], Webhook]("webhook.update")
	OpWebhookDelete     = Declare[Ref, None]("webhook.delete")
	OpWebhookDeliveries = Declare[DeliveryQuery, ListPage[WebhookDelivery]]("webhook.deliveries")
	OpWebhookRetry      = Declare[DeliveryRef, WebhookDelivery]("webhook.retry")
)

// WebhookEvents are the events an endpoint may subscribe to (an empty filter takes them all).
var WebhookEvents = []string{"message.created", "message.updated", "conversation.updated", "customer.updated",
	"order.created", "order.updated", "channel.status"}

// MaxWebhooks bounds a tenant's endpoints (each change writes a delivery row per subscribed endpoint).
const MaxWebhooks = 20

// WebhookInput is the body of an endpoint's create or update (absent fields stay as they are on update).
type WebhookInput struct {
	URL      *string   `json:"url" validate:"omitnil,max=2000"`
	Events   *[]string `json:"events" validate:"omitnil,max=20"`
	IsActive *bool     `json:"isActive"`
}

// Check refuses unknown event names (domain.Checker).
func (in WebhookInput) Check() []domain.FieldError {
	if in.Events != nil {
		for _, e := range *in.Events {
			if !slices.Contains(WebhookEvents, e) {
				return []domain.FieldError{{Field: "events", Message: "unknown event " + e + "; known: message.created, message.updated, " +
					"conversation.updated, customer.updated, order.created, order.updated, channel.status"}}
			}
		}
	}
	return domain.CheckText("url", in.URL)
}

// Missing lists the fields a create needs.
func (in WebhookInput) Missing() []domain.FieldError {
	return required(map[string]bool{"url": in.URL != nil})
}

// Immutable: every field of an endpoint can change (its secret is never sent back).
func (in WebhookInput) Immutable() []domain.FieldError { return nil }

// WebhookCreated answers OpWebhookCreate: the endpoint and, this once, its signing secret.
type WebhookCreated struct {
	Webhook
	Secret string `json:"secret"`
}

// WebhookList answers OpWebhookList.
type WebhookList struct {
	Data []Webhook `json:"data"`
}

// DeliveryQuery pages an endpoint's delivery log, newest first.
type DeliveryQuery struct {
	WebhookID uuid.UUID `json:"webhookId"`
	Paging
}

// DeliveryRef names one delivery of one endpoint.
type DeliveryRef struct {
	WebhookID  uuid.UUID `json:"webhookId"`
	DeliveryID uuid.UUID `json:"deliveryId"`
}

// WebhooksChanged tells the tenant's webhook dispatcher to look at its outbox now (an endpoint was created,
// turned back on, or a delivery retried), instead of at its next poll.
type WebhooksChanged struct{}

// WebhookPoke tells a tenant actor that a write which may have enqueued event webhook deliveries has
// committed (a WhatsApp session's new status): its dispatcher reads the outbox at once instead of at its
// next poll.
type WebhookPoke struct{}
