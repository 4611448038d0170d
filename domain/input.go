package domain

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Checker is an input with rules that struct tags cannot express (exact amounts, timestamps, JSON shapes,
// rules across fields). Check returns one entry per bad field.
type Checker interface {
	Check() []FieldError
}

// ValidateInput runs the `validate` tags of v and, when v is a Checker, its Check; every bad field is
// reported once, with the first problem found for it.
func ValidateInput(v any) error {
	err := Validate(v)
	ch, ok := v.(Checker)
	if !ok {
		return err
	}
	return MergeFieldErrors(err, ch.Check())
}

// MergeFieldErrors adds field problems to err (nil, or a validation error) without repeating a field
// ("items.quantity", as the JSON decoder names it, and "items[0].quantity" are the same field). Any other
// error is returned unchanged.
func MergeFieldErrors(err error, extra []FieldError) error {
	var fields []FieldError
	if err != nil {
		de := AsError(err)
		if de == nil || de.Code != CodeValidation {
			return err
		}
		fields = append(fields, de.Fields...)
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		seen[withoutIndexes(f.Field)] = true
	}
	for _, f := range extra {
		if key := withoutIndexes(f.Field); !seen[key] {
			seen[key] = true
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}

// withoutIndexes drops the list indexes of a field path: "items[0].quantity" becomes "items.quantity".
func withoutIndexes(field string) string {
	var b strings.Builder
	depth := 0
	for _, r := range field {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckTimestamp validates an optional RFC 3339 timestamp field.
func CheckTimestamp(field string, s *string) []FieldError {
	if s == nil {
		return nil
	}
	if _, err := time.Parse(time.RFC3339Nano, *s); err != nil {
		return []FieldError{{Field: field, Message: "must be an RFC 3339 timestamp, like 2024-05-01T12:00:00Z"}}
	}
	return nil
}

// CheckText refuses an optional text field holding a NUL character, which PostgreSQL cannot store.
func CheckText(field string, s *string) []FieldError {
	if s != nil && strings.ContainsRune(*s, 0) {
		return []FieldError{{Field: field, Message: "must not contain NUL characters"}}
	}
	return nil
}

// CheckJSONObject validates an optional field that must hold a JSON object (or null).
func CheckJSONObject(field string, raw json.RawMessage) []FieldError {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" || t[0] == '{' {
		return nil
	}
	return []FieldError{{Field: field, Message: "must be a JSON object"}}
}
