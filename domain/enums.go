package domain

// Roles of a team member inside a tenant.
const (
	RoleOwner = "OWNER"
	RoleAdmin = "ADMIN"
	RoleAgent = "AGENT"
)

// Platform types of a connected channel (seed platformTypeEnum, plus API for custom integrations).
const (
	PlatformWhatsApp  = "WHATSAPP"
	PlatformInstagram = "INSTAGRAM"
	PlatformShopify   = "SHOPIFY"
	PlatformAPI       = "API"
)

// Sender types of a message (seed messageSenderTypeEnum).
const (
	SenderCustomer = "CUSTOMER"
	SenderAgent    = "AGENT"
	SenderSystem   = "SYSTEM"
)

// Content types of a message (seed messageContentTypeEnum).
var ContentTypes = []string{"TEXT", "IMAGE", "VIDEO", "AUDIO", "FILE", "LOCATION", "STICKER"}

// Chat statuses (seed chatStatusEnum).
var ChatStatuses = []string{"OPEN", "PENDING", "RESOLVED", "CLOSED"}

// Message delivery statuses. Inbound messages are RECEIVED; outbound ones move
// PENDING → SENT → DELIVERED → READ, or PENDING → FAILED, never backwards.
const (
	StatusReceived  = "RECEIVED"
	StatusPending   = "PENDING"
	StatusSent      = "SENT"
	StatusDelivered = "DELIVERED"
	StatusRead      = "READ"
	StatusFailed    = "FAILED"
)

// StatusRank orders outbound statuses so that a status update can be refused when it would move backwards.
func StatusRank(status string) int {
	switch status {
	case StatusPending:
		return 0
	case StatusFailed, StatusSent:
		return 1
	case StatusDelivered:
		return 2
	case StatusRead, StatusReceived:
		return 3
	}
	return -1
}
