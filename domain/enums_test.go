package domain

import "testing"

// An enumeration's tag accepts exactly its values and says which they are.
func TestEnumTagsValidateAgainstTheirValues(t *testing.T) {
	type in struct {
		ContentType string  `json:"contentType" validate:"contenttype"`
		Status      *string `json:"status" validate:"omitnil,chatstatus"`
	}
	for _, v := range ContentTypes.Strings() {
		if err := Validate(in{ContentType: v}); err != nil {
			t.Errorf("%s refused: %v", v, err)
		}
	}
	bad := "BOGUS"
	err := AsError(Validate(in{ContentType: "text", Status: &bad}))
	if err == nil || len(err.Fields) != 2 {
		t.Fatalf("want two field errors, got %v", err)
	}
	want := map[string]string{
		"contentType": "must be one of: TEXT, IMAGE, VIDEO, AUDIO, FILE, LOCATION, STICKER",
		"status":      "must be one of: OPEN, PENDING, RESOLVED, CLOSED",
	}
	for _, f := range err.Fields {
		if want[f.Field] != f.Message {
			t.Errorf("%s: %q, want %q", f.Field, f.Message, want[f.Field])
		}
	}
	if !Roles.Valid("OWNER") || Roles.Valid("owner") || Roles.Tag() != "role" {
		t.Error("Roles is wrong")
	}
}
