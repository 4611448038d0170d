package actors

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Channel operations.
const (
	OpChannelCreate = "channel.create"
	OpChannelList   = "channel.list"
	OpChannelGet    = "channel.get"
	OpChannelUpdate = "channel.update"
	OpChannelDelete = "channel.delete"
)

// ChannelInput creates or (with ChannelID set) updates a channel. On update, absent fields stay as they are.
type ChannelInput struct {
	ChannelID          uuid.UUID       `json:"channelId,omitempty"`
	PlatformType       string          `json:"platformType" validate:"omitempty,oneof=WHATSAPP INSTAGRAM SHOPIFY API"`
	ChannelName        *string         `json:"channelName" validate:"omitempty,min=1,max=200"`
	PlatformSpecificID *string         `json:"platformSpecificId" validate:"omitempty,max=500"`
	WebhookURL         *string         `json:"webhookUrl" validate:"omitempty,max=2000"`
	AccessToken        *string         `json:"accessToken" validate:"omitempty,max=8000"`
	RefreshToken       *string         `json:"refreshToken" validate:"omitempty,max=8000"`
	TokenExpiresAt     *time.Time      `json:"tokenExpiresAt"`
	Scopes             []string        `json:"scopes" validate:"omitempty,max=100,dive,min=1,max=200"`
	Metadata           json.RawMessage `json:"metadata"`
	IsActive           *bool           `json:"isActive"`
	// RotateWebhookSecret issues a new signing secret on update; the answer shows it once.
	RotateWebhookSecret bool `json:"rotateWebhookSecret,omitempty"`
}

// ChannelListInput filters OpChannelList.
type ChannelListInput struct {
	PlatformType *string `json:"platformType" validate:"omitempty,oneof=WHATSAPP INSTAGRAM SHOPIFY API"`
	IsActive     *bool   `json:"isActive"`
	Limit        int     `json:"limit"`
	Offset       int     `json:"offset"`
}

// ChannelView is a channel as the API shows it: secrets masked, except a webhook secret just issued.
type ChannelView struct {
	persistence.Channel
}

// ChannelPage answers OpChannelList.
type ChannelPage struct {
	Data       []ChannelView `json:"data"`
	NextOffset *int          `json:"nextOffset"`
}

func init() {
	registerQuery(OpChannelCreate, createChannel)
	registerQuery(OpChannelList, listChannels)
	registerQuery(OpChannelGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in ChannelInput
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		ch, err := s.Store.GetChannel(ctx, in.ChannelID)
		if err != nil {
			return nil, err
		}
		return maskChannel(s, ch, ""), nil
	})
	registerQuery(OpChannelUpdate, updateChannel)
	registerQuery(OpChannelDelete, deleteChannel)
}

func newWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

func createChannel(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ChannelInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	if in.PlatformType == "" {
		return nil, domain.InvalidField("platformType", "is required")
	}
	if err := domain.Validate(in); err != nil {
		return nil, err
	}
	userID, _ := uuid.Parse(cmd.GetCaller().GetUserId())
	ch := persistence.Channel{
		ChannelID: uuid.Must(uuid.NewV7()), UserID: userID, PlatformType: in.PlatformType,
		PlatformSpecificID: in.PlatformSpecificID, ChannelName: in.ChannelName, AccessToken: in.AccessToken,
		RefreshToken: in.RefreshToken, TokenExpiresAt: in.TokenExpiresAt, Scopes: in.Scopes, Metadata: in.Metadata,
		WebhookURL: in.WebhookURL, IsActive: in.IsActive == nil || *in.IsActive,
	}
	secret := ""
	if in.PlatformType == domain.PlatformAPI {
		if in.WebhookURL == nil {
			return nil, domain.InvalidField("webhookUrl", "is required for an API channel")
		}
		secret = newWebhookSecret()
		ch.WebhookSecret = &secret
	}
	if in.WebhookURL != nil {
		if err := s.node.deps.Channels.Webhook.CheckURL(*in.WebhookURL); err != nil {
			return nil, domain.InvalidField("webhookUrl", err.Error())
		}
	}
	if err := s.node.deps.Master.AddChannelRoute(ctx, ch.ChannelID, s.TenantID); err != nil {
		return nil, err
	}
	created, err := s.Store.CreateChannel(ctx, ch)
	if err != nil {
		_ = s.node.deps.Master.RemoveChannelRoute(context.WithoutCancel(ctx), ch.ChannelID, s.TenantID)
		return nil, err
	}
	return maskChannel(s, created, secret), nil
}

func listChannels(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ChannelListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	if err := domain.Validate(in); err != nil {
		return nil, err
	}
	list, err := s.Store.ListChannels(ctx, persistence.ChannelFilter{PlatformType: in.PlatformType, IsActive: in.IsActive,
		Limit: in.Limit + 1, Offset: in.Offset})
	if err != nil {
		return nil, err
	}
	page := ChannelPage{Data: []ChannelView{}}
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

func updateChannel(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ChannelInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	if err := domain.Validate(in); err != nil {
		return nil, err
	}
	ch, err := s.Store.GetChannel(ctx, in.ChannelID)
	if err != nil {
		return nil, err
	}
	if in.PlatformType != "" && in.PlatformType != ch.PlatformType {
		return nil, domain.InvalidField("platformType", "cannot be changed; create a new channel")
	}
	if in.WebhookURL != nil {
		if err := s.node.deps.Channels.Webhook.CheckURL(*in.WebhookURL); err != nil {
			return nil, domain.InvalidField("webhookUrl", err.Error())
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
	}
	updated, err := s.Store.UpdateChannel(ctx, ch)
	if err != nil {
		return nil, err
	}
	s.node.System.Root.Send(s.self, &channelChanged{channelID: ch.ChannelID})
	return maskChannel(s, updated, secret), nil
}

func deleteChannel(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ChannelInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	if err := s.Store.DeleteChannel(ctx, in.ChannelID); err != nil {
		return nil, err
	}
	_ = s.node.deps.Master.RemoveChannelRoute(ctx, in.ChannelID, s.TenantID)
	s.node.System.Root.Send(s.self, &channelChanged{channelID: in.ChannelID, deleted: true})
	return struct{}{}, nil
}

func setIf(dst **string, v *string) {
	if v != nil {
		*dst = v
	}
}

// maskChannel hides stored secrets; a secret just issued (fresh) is shown once in full.
func maskChannel(s *Scope, ch persistence.Channel, fresh string) ChannelView {
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
	return ChannelView{Channel: ch}
}
