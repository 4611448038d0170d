package queries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Event webhooks are managed by owners and admins (the HTTP layer checks the role too). A URL passes the
// same SSRF check as an API channel's webhook when it is set.

func checkWebhookURL(s *Scope, url *string) error {
	if url == nil {
		return nil
	}
	if err := s.Node.Deps().Channels.Webhook.CheckURL(strings.TrimSpace(*url)); err != nil {
		return domain.InvalidField("url", err.Error())
	}
	return nil
}

// CreateWebhook answers ops.OpWebhookCreate; the secret is generated here and shown once.
func CreateWebhook(ctx context.Context, s *Scope, w ops.Write[ops.WebhookInput]) (ops.WebhookCreated, error) {
	in := w.Input
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.WebhookCreated{}, err
	}
	if err := ops.ValidateCreate(in); err != nil {
		return ops.WebhookCreated{}, err
	}
	if err := checkWebhookURL(s, in.URL); err != nil {
		return ops.WebhookCreated{}, err
	}
	n, err := s.Store.CountWebhooks(ctx)
	if err != nil {
		return ops.WebhookCreated{}, err
	}
	if n >= ops.MaxWebhooks {
		return ops.WebhookCreated{}, domain.Conflict("a team may have at most %d webhooks", ops.MaxWebhooks)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return ops.WebhookCreated{}, err
	}
	secret := "whsec_" + hex.EncodeToString(raw)
	hook := persistence.Webhook{WebhookID: uuid.Must(uuid.NewV7()), URL: strings.TrimSpace(*in.URL), Events: []string{}, IsActive: true}
	if in.Events != nil {
		hook.Events = *in.Events
	}
	if in.IsActive != nil {
		hook.IsActive = *in.IsActive
	}
	created, err := s.Store.CreateWebhook(ctx, hook, secret)
	if err != nil {
		return ops.WebhookCreated{}, err
	}
	s.webhooksChanged()
	return ops.WebhookCreated{Webhook: WebhookView(created), Secret: secret}, nil
}

// ListWebhooks answers ops.OpWebhookList.
func ListWebhooks(ctx context.Context, s *Scope, _ ops.None) (ops.WebhookList, error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.WebhookList{}, err
	}
	list, err := s.Store.ListWebhooks(ctx)
	return ops.WebhookList{Data: viewsOf(list, WebhookView)}, err
}

// GetWebhook answers ops.OpWebhookGet.
func GetWebhook(ctx context.Context, s *Scope, in ops.Ref) (ops.Webhook, error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.Webhook{}, err
	}
	w, err := s.Store.GetWebhook(ctx, in.ID)
	return WebhookView(w), err
}

// UpdateWebhook answers ops.OpWebhookUpdate. Turning an endpoint back on clears its disabledReason.
func UpdateWebhook(ctx context.Context, s *Scope, w ops.Write[ops.WebhookInput]) (ops.Webhook, error) {
	hook, err := updateWebhook(ctx, s, w)
	return WebhookView(hook), err
}

func updateWebhook(ctx context.Context, s *Scope, w ops.Write[ops.WebhookInput]) (persistence.Webhook, error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return persistence.Webhook{}, err
	}
	if err := ops.ValidateUpdate(w.Input); err != nil {
		return persistence.Webhook{}, err
	}
	if err := checkWebhookURL(s, w.Input.URL); err != nil {
		return persistence.Webhook{}, err
	}
	hook, err := s.Store.GetWebhook(ctx, w.ID)
	if err != nil {
		return hook, err
	}
	if w.Input.URL != nil {
		hook.URL = strings.TrimSpace(*w.Input.URL)
	}
	if w.Input.Events != nil {
		hook.Events = *w.Input.Events
	}
	if w.Input.IsActive != nil {
		hook.IsActive = *w.Input.IsActive
	}
	updated, err := s.Store.UpdateWebhook(ctx, hook)
	if err == nil {
		s.webhooksChanged()
	}
	return updated, err
}

// DeleteWebhook answers ops.OpWebhookDelete; the endpoint's deliveries go with it.
func DeleteWebhook(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.None{}, err
	}
	return ops.None{}, s.Store.DeleteWebhook(ctx, in.ID)
}

// ListDeliveries answers ops.OpWebhookDeliveries: the endpoint's delivery log, newest first.
func ListDeliveries(ctx context.Context, s *Scope, in ops.DeliveryQuery) (ops.ListPage[ops.WebhookDelivery], error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.ListPage[ops.WebhookDelivery]{}, err
	}
	if _, err := s.Store.GetWebhook(ctx, in.WebhookID); err != nil {
		return ops.ListPage[ops.WebhookDelivery]{}, err
	}
	limit := in.Limit
	if limit <= 0 {
		limit = ops.DefaultPageSize
	}
	rows, err := s.Store.ListDeliveries(ctx, in.WebhookID, limit+1, in.Offset)
	if err != nil {
		return ops.ListPage[ops.WebhookDelivery]{}, err
	}
	page := ops.ListPage[ops.WebhookDelivery]{Data: viewsOf(rows, WebhookDeliveryView)}
	if len(rows) > limit {
		page.Data = page.Data[:limit]
		next := in.Offset + limit
		page.NextOffset = &next
	}
	return page, nil
}

// RetryDelivery answers ops.OpWebhookRetry: the delivery is sent again (before its key's later events).
func RetryDelivery(ctx context.Context, s *Scope, in ops.DeliveryRef) (ops.WebhookDelivery, error) {
	if err := managersOnly(s, "manage webhooks"); err != nil {
		return ops.WebhookDelivery{}, err
	}
	d, err := s.Store.RetryDelivery(ctx, in.WebhookID, in.DeliveryID)
	if err == nil {
		s.webhooksChanged()
	}
	return WebhookDeliveryView(d), err
}

// webhooksChanged pokes the tenant's dispatcher.
func (s *Scope) webhooksChanged() {
	if s.Tenant != nil {
		s.tell(&ops.WebhooksChanged{})
	}
}
