package ops

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Customer operations.
var (
	OpCustomerCreate = Declare[Write[CustomerInput], Customer]("customer.create")
	OpCustomerList   = Declare[CustomerListInput, ListPage[CustomerView]]("customer.list")
	OpCustomerGet    = Declare[Ref, CustomerView]("customer.get")
	OpCustomerUpdate = Declare[Write[CustomerInput], Customer]("customer.update")
	OpCustomerDelete = Declare[Ref, None]("customer.delete")
)

// Relations a customer can embed with include=.
const (
	IncludeOrders = "orders"
	IncludeChats  = "chats"
)

// CustomerInput is the body of a customer create or update. On update, absent fields stay as they are,
// an empty string clears an optional text field and a null metadata clears it.
type CustomerInput struct {
	ChannelID          *string         `json:"channelId" validate:"omitnil,uuid"`
	PlatformCustomerID *string         `json:"platformCustomerId" validate:"omitnil,min=1,max=200"`
	FullName           *string         `json:"fullName" validate:"omitzero,max=200"`
	Email              *string         `json:"email" validate:"omitzero,email,max=254"`
	Phone              *string         `json:"phone" validate:"omitzero,e164"`
	AvatarURL          *string         `json:"avatarUrl" validate:"omitzero,http_url,max=2000"`
	Metadata           json.RawMessage `json:"metadata"`
}

// Check validates the metadata (domain.Checker).
func (in CustomerInput) Check() []domain.FieldError {
	return domain.CheckJSONObject("metadata", in.Metadata)
}

// Missing lists the fields a create needs.
func (in CustomerInput) Missing() []domain.FieldError {
	return required(map[string]bool{"channelId": in.ChannelID != nil, "platformCustomerId": in.PlatformCustomerID != nil})
}

// Immutable lists the fields an update may not send.
func (in CustomerInput) Immutable() []domain.FieldError {
	return unchangeable(map[string]bool{"channelId": in.ChannelID != nil}, "; a customer belongs to the channel it was met on")
}

// CustomerListInput filters OpCustomerList; Name, Email and Phone match substrings.
type CustomerListInput struct {
	ChannelID *uuid.UUID `json:"channelId"`
	Name      *string    `json:"name"`
	Email     *string    `json:"email"`
	Phone     *string    `json:"phone"`
	// Label is a label id or name.
	Label   *string  `json:"label,omitempty"`
	Include []string `json:"include,omitempty"`
	Paging
}

// CustomerView is a customer with the related records asked for with include=.
type CustomerView struct {
	Customer
	Labels []LabelRef `json:"labels"`
	Orders *[]Order   `json:"orders,omitempty"`
	Chats  *[]Chat    `json:"chats,omitempty"`
}
