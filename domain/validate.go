package domain

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		// Report fields by their JSON names, as clients know them.
		validate.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			if name == "" {
				return f.Name
			}
			return name
		})
		// maxbytes=N bounds a string's UTF-8 length in bytes (max counts characters): bcrypt refuses
		// passwords over 72 bytes, and "é" is two.
		_ = validate.RegisterValidation("maxbytes", func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			return err == nil && fl.Field().Kind() == reflect.String && len(fl.Field().String()) <= n
		})
		// Each enumeration is a tag (validate:"contenttype"), an alias of oneof with its values: the values
		// live in enums.go only.
		for _, e := range enumTags {
			validate.RegisterAlias(e.name, e.oneOf())
		}
	})
	return validate
}

// Validate checks v's `validate` struct tags and returns a validation error with one entry per bad field.
func Validate(v any) error {
	err := validatorInstance().Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return BadRequest("invalid input: %v", err)
	}
	fields := make([]FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldError{Field: fieldPath(fe), Message: describe(fe)})
	}
	return Invalid(fields...)
}

// fieldPath drops the top-level struct name: "SendInput.content" becomes "content".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return fe.Field()
}

func describe(fe validator.FieldError) string {
	switch fe.ActualTag() {
	case "required":
		return "is required"
	case "email":
		return "must be an email address"
	case "min":
		if fe.Kind() == reflect.String && fe.Param() == "1" {
			return "must not be empty"
		}
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at least %s characters", fe.Param())
		}
		return "must be at least " + fe.Param()
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters", fe.Param())
		}
		return "must be at most " + fe.Param()
	case "maxbytes":
		return fmt.Sprintf("must be at most %s bytes in UTF-8 (accented letters and emoji take 2 to 4 bytes each)", fe.Param())
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "url", "http_url":
		return "must be an http or https URL"
	case "uuid", "uuid4":
		return "must be a UUID"
	case "gt":
		return "must be greater than " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "len":
		return "must have length " + fe.Param()
	case "e164":
		return "must be a phone number in E.164 form (+15551234567)"
	case "iso4217":
		return "must be an ISO 4217 currency code"
	}
	return "is invalid (" + fe.Tag() + ")"
}
