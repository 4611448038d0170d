package domain

import (
	"encoding/json"
	"strconv"
	"strings"
)

// CheckNoNUL refuses a JSON document with a \u0000 escape in any string. PostgreSQL stores neither NUL in
// text nor \u0000 in jsonb, so such input would fail at the database (and used to answer 500); refusing it
// while decoding gives the client a 400 that says why, whichever field it is in. A raw NUL byte is not valid
// JSON and the decoder refuses it anyway.
func CheckNoNUL(doc []byte) error {
	for i := 0; i < len(doc); i++ {
		if doc[i] != '\\' {
			continue
		}
		// Outside strings a backslash is a syntax error the decoder reports; inside, skip the escaped
		// character so that "\\u0000" (a backslash, then the text u0000) is not mistaken for a NUL.
		if i+5 < len(doc) && doc[i+1] == 'u' && string(doc[i+2:i+6]) == "0000" {
			if field := nulField(doc); field != "" {
				return InvalidField(field, "must not contain NUL characters (\\u0000)")
			}
			return BadRequest("JSON strings must not contain \\u0000 (NUL characters cannot be stored)")
		}
		i++
	}
	return nil
}

// nulField is the path ("from.fullName", "items[1].name") of the first string (value or key) with a NUL
// character in a JSON document, or "" when it cannot tell (the document does not decode).
func nulField(doc []byte) string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return ""
	}
	path, _ := findNUL(v, "")
	return path
}

func findNUL(v any, path string) (string, bool) {
	join := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch x := v.(type) {
	case string:
		return path, strings.ContainsRune(x, 0)
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) {
				return join(strings.ReplaceAll(k, "\x00", "\\u0000")), true
			}
			if p, ok := findNUL(e, join(k)); ok {
				return p, true
			}
		}
	case []any:
		for i, e := range x {
			if p, ok := findNUL(e, path+"["+strconv.Itoa(i)+"]"); ok {
				return p, true
			}
		}
	}
	return "", false
}
