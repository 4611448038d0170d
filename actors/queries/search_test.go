package queries

import (
	"strings"
	"testing"

	"github.com/aezen/engine/domain"
)

func TestSearchTSQueryKeepsOnlyWords(t *testing.T) {
	for q, want := range map[string]string{
		"informação":                   "informação:*",
		"  Terima   kasih ":            "Terima:* & kasih:*",
		`a & b' | !c:* ("<->`:          "a & b & c",
		"¿Dónde?":                      "Dónde:*",
		"+55 11 99999-8888":            "(5511999998888:*) | (55:* & 11:* & 99999:* & 8888:*)",
		"12345":                        "12345:*",
		"x-ray 7":                      "x & ray:* & 7",
		"co\u0301digo":                 "co\u0301digo:*",
		"dana@example.com order #1234": "dana:* & example:* & com:* & order:* & 1234:*",
	} {
		got, err := SearchTSQuery(q)
		if err != nil || got != want {
			t.Errorf("SearchTSQuery(%q) = %q, %v; want %q", q, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", "!?&|", "a b c d e f g h i j k", "x\x00y", strings.Repeat("a", 201)} {
		if _, err := SearchTSQuery(bad); domain.AsError(err) == nil {
			t.Errorf("SearchTSQuery(%q) = %v, want a domain error", bad, err)
		}
	}
}

func TestExcerptHTMLEscapesAllButMarks(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain",
		"a " + markStart + "b" + markStop + " <c>&":  "a <mark>b</mark> &lt;c&gt;&amp;",
		markStart + `"x'` + markStop:                 "<mark>&#34;x&#39;</mark>",
		markStop + "stray" + markStart + "open":      "stray<mark>open</mark>",
		markStart + "a" + markStart + "b" + markStop: "<mark>ab</mark>",
	} {
		if got := ExcerptHTML(in); got != want {
			t.Errorf("ExcerptHTML(%q) = %q, want %q", in, got, want)
		}
	}
}
