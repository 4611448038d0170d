package channels

import (
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// Messages between a tenant actor and its session actors.
type (
	// OutboundReady hands a committed outbound message to its channel's session.
	OutboundReady struct {
		ChannelID uuid.UUID
		Platform  string
		Msg       sessions.Outbound
	}
	// ReadReceipts asks the channel to tell the customer that their messages were read.
	ReadReceipts struct {
		ChannelID      uuid.UUID
		PlatformChatID string
		IDs            []string
	}
	// TypingSignal asks the channel to show or hide the typing indicator.
	TypingSignal struct {
		ChannelID      uuid.UUID
		PlatformChatID string
		On             bool
	}
	// SendReport is a session's word on an outbound message: sent, failed, delivered or read.
	SendReport struct {
		ChatID uuid.UUID
		Change persistence.StatusChange
	}
	// retryAt schedules a delivery attempt.
	retryAt struct {
		at time.Time
	}
)
