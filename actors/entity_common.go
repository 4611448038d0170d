package actors

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Payload shapes shared by the business entity operations (products, customers, orders, chats, messages).
// Inputs carry ids, amounts and timestamps as strings so that a bad value is reported against its field;
// the operations convert them once validated.

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

// ValidateCreate checks an input for a create: tags, Check and the fields a create needs.
func ValidateCreate(in CreateInput) error {
	return domain.MergeFieldErrors(domain.MergeFieldErrors(domain.Validate(in), in.Missing()), in.Check())
}

// ValidateUpdate checks an input for an update: tags, Check and the fields that cannot change.
func ValidateUpdate(in UpdateInput) error {
	return domain.MergeFieldErrors(domain.MergeFieldErrors(domain.Validate(in), in.Immutable()), in.Check())
}

// page turns paging input into the persistence page, asking for one extra row to know if more follow.
func (p Paging) page() persistence.Page {
	limit := p.Limit
	if limit <= 0 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	return persistence.Page{Limit: limit + 1, Offset: max(p.Offset, 0)}
}

// pageOf cuts the extra row that page asked for and answers the page with its next offset.
func pageOf[T any](list []T, p persistence.Page) ListPage[T] {
	out := ListPage[T]{Data: list}
	if len(list) >= p.Limit {
		out.Data = list[:p.Limit-1]
		next := p.Offset + p.Limit - 1
		out.NextOffset = &next
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	return out
}

// required reports the fields of a create that are absent.
func required(fields map[string]bool) []domain.FieldError {
	var out []domain.FieldError
	for name, present := range fields {
		if !present {
			out = append(out, domain.FieldError{Field: name, Message: "is required"})
		}
	}
	slices.SortFunc(out, func(a, b domain.FieldError) int { return cmp.Compare(a.Field, b.Field) })
	return out
}

// unchangeable reports fields sent on an update that cannot change there.
func unchangeable(fields map[string]bool, why string) []domain.FieldError {
	var out []domain.FieldError
	for name, sent := range fields {
		if sent {
			out = append(out, domain.FieldError{Field: name, Message: "cannot be changed" + why})
		}
	}
	slices.SortFunc(out, func(a, b domain.FieldError) int { return cmp.Compare(a.Field, b.Field) })
	return out
}

// parseID converts an id that validation has already accepted.
func parseID(s *string) uuid.UUID {
	if s == nil {
		return uuid.Nil
	}
	id, _ := uuid.Parse(*s)
	return id
}

// setText applies an optional text field: absent keeps the value, "" clears it, anything else replaces it.
func setText(dst **string, v *string) {
	switch {
	case v == nil:
	case *v == "":
		*dst = nil
	default:
		s := *v
		*dst = &s
	}
}

// text is setText for a create.
func text(v *string) *string {
	var out *string
	setText(&out, v)
	return out
}

// wants reports whether an include list names a relation.
func wants(include []string, what string) bool { return slices.Contains(include, what) }

// checkMember makes sure a user id names a member of this tenant's team.
func checkMember(ctx context.Context, s *Scope, field string, id uuid.UUID) error {
	if _, err := s.node.deps.Master.GetUser(ctx, s.TenantID, id); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.InvalidField(field, "is not a member of this team")
		}
		return err
	}
	return nil
}

// callerID is the id of the user behind a command (uuid.Nil for internal work).
func callerID(cmd *Command) uuid.UUID {
	id, _ := uuid.Parse(cmd.GetCaller().GetUserId())
	return id
}

// mustExist turns a missing record that the client's input names into a field error (a 400, not a 404:
// the path was fine, the body was not).
func mustExist(err error, field, what string) error {
	if errors.Is(err, domain.ErrNotFound) {
		return domain.InvalidField(field, "does not name a "+what+" of this tenant")
	}
	return err
}

// forgetConversation asks the tenant to stop the chat's conversation actor once it is idle, so that its
// next activation reads the state a query operation has just changed.
func forgetConversation(s *Scope, chatID uuid.UUID) {
	s.node.System.Root.Send(s.self, &convIdle{chatID: chatID})
}
