package ops

import (
	"cmp"
	"slices"

	"github.com/aezen/engine/domain"
)

// ValidateCreate checks an input for a create: tags, Check and the fields a create needs.
func ValidateCreate(in CreateInput) error {
	return domain.MergeFieldErrors(domain.MergeFieldErrors(domain.Validate(in), in.Missing()), in.Check())
}

// ValidateUpdate checks an input for an update: tags, Check and the fields that cannot change.
func ValidateUpdate(in UpdateInput) error {
	return domain.MergeFieldErrors(domain.MergeFieldErrors(domain.Validate(in), in.Immutable()), in.Check())
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
