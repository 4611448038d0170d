package domain

import (
	"slices"
	"strings"
)

// Enum is a closed set of values of one string type. It is the single list that input validation (a
// `validate` tag named Tag, registered in validate.go), the OpenAPI document (Strings) and the tests of
// the SQL types and checks (persistence/enums_test.go) take the values from.
type Enum[T ~string] struct {
	tag    string
	values []T
}

func newEnum[T ~string](tag string, values ...T) Enum[T] {
	e := Enum[T]{tag: tag, values: values}
	enumTags = append(enumTags, enumTag{name: tag, values: e.Strings()})
	return e
}

// Values lists the enumeration's values in their documented order.
func (e Enum[T]) Values() []T { return slices.Clone(e.values) }

// Strings lists the values as strings (OpenAPI enums, SQL checks).
func (e Enum[T]) Strings() []string {
	out := make([]string, len(e.values))
	for i, v := range e.values {
		out[i] = string(v)
	}
	return out
}

// Valid reports whether v is one of the values.
func (e Enum[T]) Valid(v string) bool { return slices.Contains(e.values, T(v)) }

// Tag is the name of the `validate` tag that accepts exactly these values.
func (e Enum[T]) Tag() string { return e.tag }

// enumTags are registered with the validator as aliases of oneof=<values>.
var enumTags []enumTag

type enumTag struct {
	name   string
	values []string
}

func (t enumTag) oneOf() string { return "oneof=" + strings.Join(t.values, " ") }

// Role is a team member's role inside a tenant.
type Role = string

// Roles of a team member.
const (
	RoleOwner Role = "OWNER"
	RoleAdmin Role = "ADMIN"
	RoleAgent Role = "AGENT"
)

// Roles (master type user_role).
var Roles = newEnum("role", RoleOwner, RoleAdmin, RoleAgent)

// PlatformType is the platform of a connected channel (seed platformTypeEnum, plus API for custom
// integrations).
type PlatformType = string

// Platform types.
const (
	PlatformWhatsApp  PlatformType = "WHATSAPP"
	PlatformInstagram PlatformType = "INSTAGRAM"
	PlatformShopify   PlatformType = "SHOPIFY"
	PlatformAPI       PlatformType = "API"
)

// PlatformTypes (tenant type platform_type).
var PlatformTypes = newEnum("platformtype", PlatformWhatsApp, PlatformInstagram, PlatformShopify, PlatformAPI)

// SenderType says who wrote a message (seed messageSenderTypeEnum).
type SenderType = string

// Sender types.
const (
	SenderCustomer SenderType = "CUSTOMER"
	SenderAgent    SenderType = "AGENT"
	SenderSystem   SenderType = "SYSTEM"
	// SenderNote is an internal note: shown in the thread, never sent to a channel, never unread, never in
	// an outbound webhook.
	SenderNote SenderType = "NOTE"
)

// SenderTypes (tenant type message_sender_type).
var SenderTypes = newEnum("sendertype", SenderCustomer, SenderAgent, SenderSystem, SenderNote)

// PostedSenderTypes are the sender types of a message posted as a record (POST /api/chats/:chatId/messages):
// notes have their own route.
var PostedSenderTypes = newEnum("postedsendertype", SenderCustomer, SenderAgent, SenderSystem)

// ContentType is the kind of a message's content (seed messageContentTypeEnum).
type ContentType = string

// Content types.
const (
	ContentText     ContentType = "TEXT"
	ContentImage    ContentType = "IMAGE"
	ContentVideo    ContentType = "VIDEO"
	ContentAudio    ContentType = "AUDIO"
	ContentFile     ContentType = "FILE"
	ContentLocation ContentType = "LOCATION"
	ContentSticker  ContentType = "STICKER"
)

// ContentTypes (tenant type message_content_type).
var ContentTypes = newEnum("contenttype", ContentText, ContentImage, ContentVideo, ContentAudio, ContentFile,
	ContentLocation, ContentSticker)

// MediaStates are the states of a file of the media store (tenant type media_state): READY when its bytes
// are stored; a received file is PENDING while it downloads and FAILED if it could not be.
var MediaStates = newEnum[string]("mediastate", "PENDING", "READY", "FAILED")

// MessageOrigins say where a business message was sent from (tenant type message_origin; a message's
// origin): AEZEN through the engine (the inbox, the API, a canned reply), PHONE from the business's
// WhatsApp phone or another device linked to the number. Customers' messages and notes have none.
var MessageOrigins = newEnum[string]("messageorigin", "AEZEN", "PHONE")

// ChatStatus is where a chat stands in the team's work (seed chatStatusEnum).
type ChatStatus = string

// Chat statuses.
const (
	ChatOpen     ChatStatus = "OPEN"
	ChatPending  ChatStatus = "PENDING"
	ChatResolved ChatStatus = "RESOLVED"
	ChatClosed   ChatStatus = "CLOSED"
)

// ChatStatuses (tenant type chat_status).
var ChatStatuses = newEnum("chatstatus", ChatOpen, ChatPending, ChatResolved, ChatClosed)

// OrderStatus is where an order stands in its lifecycle (orders.go has the moves).
type OrderStatus = string

// OrderStatuses (tenant type order_status); the constants are in orders.go.
var OrderStatuses = newEnum("orderstatus", OrderPending, OrderProcessing, OrderShipped, OrderDelivered,
	OrderCancelled, OrderRefunded)

// TenantStatus is a tenant's state in the master database.
type TenantStatus = string

// Tenant statuses.
const (
	TenantProvisioning TenantStatus = "PROVISIONING"
	TenantActive       TenantStatus = "ACTIVE"
	TenantSuspended    TenantStatus = "SUSPENDED"
)

// TenantStatuses (master check on tenants.status).
var TenantStatuses = newEnum("tenantstatus", TenantProvisioning, TenantActive, TenantSuspended)

// OperatorTenantStatuses are the statuses an operator sets (PUT /api/ops/tenants/:tenantId/status):
// suspend or re-admit; PROVISIONING is the engine's own, during sign-up.
var OperatorTenantStatuses = newEnum("operatortenantstatus", TenantActive, TenantSuspended)
