package ops

import (
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Label operations: the tenant's labels, and the labels of a conversation or a customer.
var (
	OpLabelCreate        = Declare[Write[LabelInput], Label]("label.create")
	OpLabelList          = Declare[None, LabelList]("label.list")
	OpLabelGet           = Declare[Ref, Label]("label.get")
	OpLabelUpdate        = Declare[Write[LabelInput], Label]("label.update")
	OpLabelDelete        = Declare[Ref, None]("label.delete")
	OpConversationLabels = Declare[SetLabels, Conversation]("conversation.labels")
	OpCustomerLabels     = Declare[SetLabels, CustomerView]("customer.labels")
)

// LabelInput is the body of a label create or update (absent fields stay as they are on update). Color is
// a CSS hex color, #rgb or #rrggbb.
type LabelInput struct {
	Name  *string `json:"name" validate:"omitnil,min=1,max=50"`
	Color *string `json:"color" validate:"omitnil,hexcolor"`
}

// Check rejects a blank name or one with NUL characters (domain.Checker).
func (in LabelInput) Check() []domain.FieldError {
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return []domain.FieldError{{Field: "name", Message: "must not be blank"}}
	}
	return domain.CheckText("name", in.Name)
}

// Missing lists the fields a create needs.
func (in LabelInput) Missing() []domain.FieldError {
	return required(map[string]bool{"name": in.Name != nil, "color": in.Color != nil})
}

// Immutable: every field of a label can change.
func (in LabelInput) Immutable() []domain.FieldError { return nil }

// LabelList answers OpLabelList.
type LabelList struct {
	Data []Label `json:"data"`
}

// SetLabels replaces the labels of the record ID (a chat or a customer).
type SetLabels struct {
	ID       uuid.UUID   `json:"id"`
	LabelIDs []uuid.UUID `json:"labelIds"`
}
