package queries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// GetChannel answers ops.OpChannelGet.
func GetChannel(ctx context.Context, s *Scope, in ops.ChannelInput) (ops.ChannelView, error) {
	ch, err := s.Store.GetChannel(ctx, in.ChannelID)
	if err != nil {
		return ops.ChannelView{}, err
	}
	return maskChannel(s, ch, ""), nil
}

func newWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

func CreateChannel(ctx context.Context, s *Scope, in ops.ChannelInput) (ops.ChannelView, error) {
	if in.PlatformType == "" {
		return ops.ChannelView{}, domain.InvalidField("platformType", "is required")
	}
	if err := domain.Validate(in); err != nil {
		return ops.ChannelView{}, err
	}
	userID := callerID(s)
	ch := persistence.Channel{
		ChannelID: uuid.Must(uuid.NewV7()), UserID: userID, PlatformType: in.PlatformType,
		PlatformSpecificID: in.PlatformSpecificID, ChannelName: in.ChannelName, AccessToken: in.AccessToken,
		RefreshToken: in.RefreshToken, TokenExpiresAt: in.TokenExpiresAt, Scopes: in.Scopes, Metadata: in.Metadata,
		WebhookURL: in.WebhookURL, IsActive: in.IsActive == nil || *in.IsActive,
	}
	secret := ""
	if in.PlatformType == domain.PlatformAPI {
		if in.WebhookURL == nil {
			return ops.ChannelView{}, domain.InvalidField("webhookUrl", "is required for an API channel")
		}
		secret = newWebhookSecret()
		ch.WebhookSecret = &secret
	}
	if in.WebhookURL != nil {
		if err := s.Node.Deps().Channels.Webhook.CheckURL(*in.WebhookURL); err != nil {
			return ops.ChannelView{}, domain.InvalidField("webhookUrl", err.Error())
		}
	}
	if err := s.Node.Deps().Master.AddChannelRoute(ctx, ch.ChannelID, s.TenantID); err != nil {
		return ops.ChannelView{}, err
	}
	created, err := s.Store.CreateChannel(ctx, ch)
	if err != nil {
		_ = s.Node.Deps().Master.RemoveChannelRoute(context.WithoutCancel(ctx), ch.ChannelID, s.TenantID)
		return ops.ChannelView{}, err
	}
	return maskChannel(s, created, secret), nil
}

func ListChannels(ctx context.Context, s *Scope, in ops.ChannelListInput) (ops.ChannelPage, error) {
	if err := domain.Validate(in); err != nil {
		return ops.ChannelPage{}, err
	}
	list, err := s.Store.ListChannels(ctx, persistence.ChannelFilter{PlatformType: in.PlatformType, IsActive: in.IsActive,
		Limit: in.Limit + 1, Offset: in.Offset})
	if err != nil {
		return ops.ChannelPage{}, err
	}
	page := ops.ChannelPage{Data: []ops.ChannelView{}}
	if len(list) > in.Limit {
		list = list[:in.Limit]
		next := in.Offset + in.Limit
		page.NextOffset = &next
	}
	for _, ch := range list {
		page.Data = append(page.Data, maskChannel(s, ch, ""))
	}
	return page, nil
}

func UpdateChannel(ctx context.Context, s *Scope, in ops.ChannelInput) (ops.ChannelView, error) {
	if err := domain.Validate(in); err != nil {
		return ops.ChannelView{}, err
	}
	ch, err := s.Store.GetChannel(ctx, in.ChannelID)
	if err != nil {
		return ops.ChannelView{}, err
	}
	if in.PlatformType != "" && in.PlatformType != ch.PlatformType {
		return ops.ChannelView{}, domain.InvalidField("platformType", "cannot be changed; create a new channel")
	}
	if in.WebhookURL != nil {
		if err := s.Node.Deps().Channels.Webhook.CheckURL(*in.WebhookURL); err != nil {
			return ops.ChannelView{}, domain.InvalidField("webhookUrl", err.Error())
		}
		ch.WebhookURL = in.WebhookURL
	}
	setIf(&ch.ChannelName, in.ChannelName)
	setIf(&ch.PlatformSpecificID, in.PlatformSpecificID)
	setIf(&ch.AccessToken, in.AccessToken)
	setIf(&ch.RefreshToken, in.RefreshToken)
	if in.TokenExpiresAt != nil {
		ch.TokenExpiresAt = in.TokenExpiresAt
	}
	if in.Scopes != nil {
		ch.Scopes = in.Scopes
	}
	if in.Metadata != nil {
		ch.Metadata = in.Metadata
	}
	if in.IsActive != nil {
		ch.IsActive = *in.IsActive
	}
	secret := ""
	if in.RotateWebhookSecret {
		secret = newWebhookSecret()
		ch.WebhookSecret = &secret
		// The replaced secret keeps verifying signed calls for the grace period, so that the integration
		// can switch without refused calls in between.
		if grace := s.Node.Deps().Config.SecretRotationGrace; grace > 0 {
			until := time.Now().Add(grace).UTC()
			ch.PreviousSecretExpiresAt = &until
		} else {
			ch.PreviousSecretExpiresAt = nil
		}
	}
	updated, err := s.Store.UpdateChannel(ctx, ch)
	if err != nil {
		return ops.ChannelView{}, err
	}
	s.tell(&ChannelChanged{ChannelID: ch.ChannelID})
	return maskChannel(s, updated, secret), nil
}

func DeleteChannel(ctx context.Context, s *Scope, in ops.ChannelInput) (ops.None, error) {
	if err := s.Store.DeleteChannel(ctx, in.ChannelID); err != nil {
		return ops.None{}, err
	}
	_ = s.Node.Deps().Master.RemoveChannelRoute(ctx, in.ChannelID, s.TenantID)
	s.tell(&ChannelChanged{ChannelID: in.ChannelID, Deleted: true})
	return ops.None{}, nil
}

func setIf(dst **string, v *string) {
	if v != nil {
		*dst = v
	}
}

// maskChannel hides stored secrets; a secret just issued (fresh) is shown once in full.
func maskChannel(s *Scope, ch persistence.Channel, fresh string) ops.ChannelView {
	mask := func(p *string) *string {
		if p == nil {
			return nil
		}
		plain, err := s.Store.Cipher.Open(*p)
		if err != nil || len(plain) <= 4 {
			m := "****"
			return &m
		}
		m := "****" + plain[len(plain)-4:]
		return &m
	}
	ch.AccessToken = mask(ch.AccessToken)
	ch.RefreshToken = mask(ch.RefreshToken)
	if fresh != "" {
		ch.WebhookSecret = &fresh
	} else {
		ch.WebhookSecret = mask(ch.WebhookSecret)
	}
	return ops.ChannelView{Channel: ChannelView(ch)}
}
