package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestOpenAPIDocumentsEveryRoute keeps GET /api/openapi.json true: every route the server registers is
// documented, every documented operation is registered, and the document's references resolve.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := testkit.StartDefault(t)
	r := e.Do("GET", "/api/openapi.json", "", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json without a token: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas   map[string]json.RawMessage `json:"schemas"`
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}

	served := map[string]bool{}
	for _, rt := range e.Server.App.GetRoutes(true) {
		served[rt.Method+" "+openAPIPath(rt.Path)] = true
	}
	var missing []string
	for route := range served {
		method, path, _ := strings.Cut(route, " ")
		if method == "HEAD" && served["GET "+path] {
			continue // Fiber answers HEAD for every GET route
		}
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			missing = append(missing, route)
		}
	}
	slices.Sort(missing)
	for _, route := range missing {
		method, path, _ := strings.Cut(route, " ")
		t.Errorf("%s is served but not in the OpenAPI document. Add it to apiOps in httpapi/openapi_routes.go "+
			"(and any new body or reply schema to openapi_schemas.go), for example:\n"+
			"\t{method: %q, path: %q, tag: \"...\", summary: \"...\", body: \"...\", reply: \"...\"},", route, method, path)
	}
	for path, item := range doc.Paths {
		for method := range item {
			if !served[strings.ToUpper(method)+" "+path] {
				t.Errorf("the OpenAPI document has %s %s, which the server does not serve: remove it from apiOps", strings.ToUpper(method), path)
			}
		}
	}

	t.Run("references resolve and path parameters are declared", func(t *testing.T) {
		var raw any
		r.JSON(t, &raw)
		walkRefs(raw, func(ref string) {
			name, ok := strings.CutPrefix(ref, "#/components/schemas/")
			if ok && doc.Components.Schemas[name] != nil {
				return
			}
			name, ok = strings.CutPrefix(ref, "#/components/responses/")
			if ok && doc.Components.Responses[name] != nil {
				return
			}
			t.Errorf("unresolved $ref %s", ref)
		})
		for path, item := range doc.Paths {
			for method, rawOp := range item {
				var op struct {
					Parameters []struct{ Name, In string } `json:"parameters"`
					Responses  map[string]json.RawMessage  `json:"responses"`
				}
				if err := json.Unmarshal(rawOp, &op); err != nil || len(op.Responses) == 0 {
					t.Errorf("%s %s: no responses (%v)", method, path, err)
				}
				for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
					if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == m[1] && p.In == "path" }) {
						t.Errorf("%s %s: path parameter %s is not declared", method, path, m[1])
					}
				}
			}
		}
	})
}

// openAPIPath turns a Fiber route path into its OpenAPI form: /api/chats/:chatId → /api/chats/{chatId}.
func openAPIPath(path string) string {
	return regexp.MustCompile(`:(\w+)\??`).ReplaceAllString(path, "{$1}")
}

// walkRefs calls fn with every $ref of a decoded JSON document.
func walkRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if s, ok := child.(string); ok && k == "$ref" {
				fn(s)
				continue
			}
			walkRefs(child, fn)
		}
	case []any:
		for _, child := range x {
			walkRefs(child, fn)
		}
	}
}
