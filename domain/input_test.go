package domain

import (
	"encoding/json"
	"slices"
	"testing"
)

type sample struct {
	Name  *string         `json:"name" validate:"omitnil,min=1"`
	Email *string         `json:"email" validate:"omitzero,email"`
	Price *string         `json:"price"`
	Meta  json.RawMessage `json:"meta"`
}

func (s sample) Check() []FieldError {
	out := append(CheckMoney("price", s.Price), CheckJSONObject("meta", s.Meta)...)
	return append(out, CheckText("name", s.Name)...)
}

func ptr(s string) *string { return &s }

func TestValidateInputReportsEachBadFieldOnce(t *testing.T) {
	cases := []struct {
		name string
		in   sample
		want []string
	}{
		{"valid", sample{Name: ptr("x"), Email: ptr("a@b.co"), Price: ptr("1.50"), Meta: json.RawMessage(`{"a":1}`)}, nil},
		{"absent fields", sample{}, nil},
		{"empty optional text clears", sample{Email: ptr("")}, nil},
		{"null JSON", sample{Meta: json.RawMessage(`null`)}, nil},
		{"NUL in text", sample{Name: ptr("a\x00")}, []string{"name"}},
		{"all bad", sample{Name: ptr(""), Email: ptr("nope"), Price: ptr("-1"), Meta: json.RawMessage(`[1]`)},
			[]string{"name", "email", "price", "meta"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateInput(tc.in)
			var got []string
			if de := AsError(err); de != nil {
				if de.Code != CodeValidation {
					t.Fatalf("code %s", de.Code)
				}
				for _, f := range de.Fields {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatalf("not a domain error: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMergeFieldErrorsTreatsListIndexesAsOneField(t *testing.T) {
	err := MergeFieldErrors(InvalidField("items.quantity", "must be of type number"),
		[]FieldError{{Field: "items[0].quantity", Message: "is required"}, {Field: "currency", Message: "is required"}})
	de := AsError(err)
	if de == nil || len(de.Fields) != 2 || de.Fields[0].Field != "items.quantity" || de.Fields[1].Field != "currency" {
		t.Fatalf("merged %+v", de)
	}
	if other := BadRequest("malformed"); MergeFieldErrors(other, []FieldError{{Field: "x"}}) != other {
		t.Fatal("a non-validation error must pass unchanged")
	}
	if MergeFieldErrors(nil, nil) != nil {
		t.Fatal("nothing to report must be nil")
	}
}
