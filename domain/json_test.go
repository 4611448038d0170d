package domain

import "testing"

func TestCheckNoNUL(t *testing.T) {
	for doc, bad := range map[string]bool{
		`{"a":"x\u0000y"}`:          true,
		`{"a":{"b":["\u0000"]}}`:    true,
		`{"\u0000":1}`:              true,
		`{"a":"\\u0000"}`:           false,
		`{"a":"\\\u0000"}`:          true,
		`{"a":"\u00001"}`:           true,
		`{"a":"\u0001 \u1000 \"x"}`: false,
		`{"a":"ends with \\"}`:      false,
		`{"a":"\u000`:               false,
	} {
		if got := CheckNoNUL([]byte(doc)) != nil; got != bad {
			t.Errorf("%s: refused %v, want %v", doc, got, bad)
		}
	}
}

func TestCheckNoNULNamesTheField(t *testing.T) {
	for doc, field := range map[string]string{
		`{"content":"a\u0000b"}`:                     "content",
		`{"from":{"fullName":"\u0000"}}`:             "from.fullName",
		`{"items":[{"name":"x"},{"name":"\u0000"}]}`: "items[1].name",
		`{"metadata":{"k\u0000":1}}`:                 `metadata.k\u0000`,
	} {
		de := AsError(CheckNoNUL([]byte(doc)))
		if de == nil || len(de.Fields) != 1 || de.Fields[0].Field != field {
			t.Errorf("%s: %+v, want field %s", doc, de, field)
		}
	}
}
