package ops

import (
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Write is the payload of a create or update: ID names the record to update (or, for a record created
// under another, its parent) and Input holds the fields the client sent.
type Write[T any] struct {
	ID    uuid.UUID `json:"id,omitempty"`
	Input T         `json:"input"`
}

// Ref is the payload of a get or delete: the record's id and the related records to embed.
type Ref struct {
	ID      uuid.UUID `json:"id"`
	Include []string  `json:"include,omitempty"`
}

// ListPage is one page of a list; NextOffset is the offset of the next page, null on the last one.
type ListPage[T any] struct {
	Data       []T  `json:"data"`
	NextOffset *int `json:"nextOffset"`
}

// Paging is the part of every list payload that pages it.
type Paging struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Paging bounds: the default page size and the largest one a client may ask for.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Inputs are validated at both ends: httpapi binds with them, the operations check again before writing.
type (
	// CreateInput is the body of a create: Missing lists the fields it needs and has not got.
	CreateInput interface {
		domain.Checker
		Missing() []domain.FieldError
	}
	// UpdateInput is the body of an update: Immutable lists the fields it sent that cannot change.
	UpdateInput interface {
		domain.Checker
		Immutable() []domain.FieldError
	}
)
