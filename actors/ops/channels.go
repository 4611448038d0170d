package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Channel operations.
var (
	OpChannelCreate = Declare[ChannelInput, ChannelView]("channel.create")
	OpChannelList   = Declare[ChannelListInput, ChannelPage]("channel.list")
	OpChannelGet    = Declare[ChannelInput, ChannelView]("channel.get")
	OpChannelUpdate = Declare[ChannelInput, ChannelView]("channel.update")
	OpChannelDelete = Declare[ChannelInput, None]("channel.delete")
)

// ChannelInput creates or (with ChannelID set) updates a channel. On update, absent fields stay as they are.
type ChannelInput struct {
	ChannelID          uuid.UUID       `json:"channelId,omitempty"`
	PlatformType       string          `json:"platformType" validate:"omitempty,platformtype"`
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
	PlatformType *string `json:"platformType" validate:"omitempty,platformtype"`
	IsActive     *bool   `json:"isActive"`
	Limit        int     `json:"limit"`
	Offset       int     `json:"offset"`
}

// ChannelView is a channel as the API shows it: secrets masked, except a webhook secret just issued.
type ChannelView struct {
	Channel
}

// ChannelPage answers OpChannelList.
type ChannelPage struct {
	Data       []ChannelView `json:"data"`
	NextOffset *int          `json:"nextOffset"`
}
