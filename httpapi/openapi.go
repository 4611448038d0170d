package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI 3 document of the whole HTTP API, served at GET /api/openapi.json. It is built from two
// tables kept next to this file: apiOps (openapi_routes.go, one entry per route) and apiSchemas
// (openapi_schemas.go, the JSON shapes). TestOpenAPIDocumentsEveryRoute fails when a registered route
// has no entry, and says what to add.

// js is a JSON object of the document.
type js = map[string]any

// authKind says how a route authenticates its caller.
type authKind int

const (
	authUser      authKind = iota // a user's JWT: Authorization: Bearer <token>
	authPublic                    // no credentials
	authOps                       // the operator token: Authorization: Bearer $AEZEN_OPS_TOKEN
	authSigned                    // an HMAC of "<X-Aezen-Timestamp>.<body>" with the channel's webhook secret (X-Aezen-Signature)
	authUserOrURL                 // a user's JWT, or a signed URL's tenant, expires and signature parameters
)

// apiOp documents one route.
type apiOp struct {
	method  string
	path    string // OpenAPI form: /api/products/{productId}; every path parameter is a UUID
	tag     string
	summary string
	notes   string // the longer description, when the summary is not enough
	auth    authKind
	params  []param // query and header parameters
	body    string  // the schema of the JSON request body ("" for none)
	status  int     // the success status (200 when 0)
	reply   string  // the schema of the success body; "" for none, or one of the media replies below
	errors  []int   // statuses beyond those the rest implies (400 for input, 401 for auth, 404 for ids)
	devOnly bool    // served (and documented) only when AEZEN_ENV=development
}

// Replies that are not JSON.
const (
	replyPNG       = "#png"
	replyText      = "#text"
	replyWebSocket = "#websocket"
	// replyFile is a stored file's bytes, in its own type (single ranges answered 206).
	replyFile = "#file"
	// bodyFile is a multipart/form-data body with the file in the field "file".
	bodyFile = "#multipart-file"
)

// param is a query or header parameter.
type param struct {
	name, in, desc string
	schema         js
	required       bool
}

func query(name, desc string, schema js) param {
	return param{name: name, in: "query", desc: desc, schema: schema}
}

func header(name, desc string) param {
	return param{name: name, in: "header", desc: desc, schema: js{"type": "string", "maxLength": 200}}
}

var (
	openAPIOnce sync.Once
	openAPIJSON [2][]byte // production, development
)

// OpenAPIJSON is the document as a node in development (dev-only routes included) or production serves
// it. The web app's API types are generated from the development document (web/scripts/gen-api.mjs).
func OpenAPIJSON(development bool) []byte {
	openAPIOnce.Do(func() {
		openAPIJSON[0], _ = json.MarshalIndent(buildOpenAPI(false), "", "  ")
		openAPIJSON[1], _ = json.MarshalIndent(buildOpenAPI(true), "", "  ")
	})
	if development {
		return openAPIJSON[1]
	}
	return openAPIJSON[0]
}

// openAPIDocument serves the document (GET /api/openapi.json, public).
func (s *Server) openAPIDocument(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(OpenAPIJSON(!s.cfg.Production()))
}

var pathParam = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// buildOpenAPI assembles the document from apiOps and apiSchemas.
func buildOpenAPI(development bool) js {
	paths := js{}
	for _, op := range apiOps {
		if op.devOnly && !development {
			continue
		}
		item, _ := paths[op.path].(js)
		if item == nil {
			item = js{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = op.operation()
	}
	return js{
		"openapi": "3.0.3",
		"info": js{
			"title":   "AEZEN engine API",
			"version": "1",
			"description": "The HTTP API of the AEZEN team inbox. Every body is JSON with camelCase names; ids are UUIDs, " +
				"timestamps RFC 3339, amounts exact decimal strings (\"12.50\"). Errors answer " +
				`{"error": {"code", "message", "fields": [{"field", "message"}]}}` + ", with one entry per bad field. " +
				"Lists answer {data, nextOffset} (null on the last page) or, for the inbox, {data, nextCursor}.",
		},
		"servers": []js{{"url": "/"}},
		"tags":    apiTags,
		"paths":   paths,
		"components": js{
			"schemas":   apiSchemas(),
			"responses": errorResponses(),
			"securitySchemes": js{
				"user": js{"type": "http", "scheme": "bearer", "description": "The JWT of POST /api/auth/login or /api/auth/register, or an API key " +
					"(aezk_…, from POST /api/api-keys), which acts as the user who created it with the key's role."},
				"operator": js{"type": "http", "scheme": "bearer", "description": "AEZEN_OPS_TOKEN, for operators only."},
				"signature": js{"type": "apiKey", "in": "header", "name": "X-Aezen-Signature", "description": "sha256=<hex HMAC-SHA256, with the API channel's " +
					"webhook secret, of \"<timestamp>.<raw body>\">, where <timestamp> is the Unix time in seconds sent in X-Aezen-Timestamp; " +
					"calls whose timestamp is more than AEZEN_SIGNATURE_TOLERANCE (default 5 minutes) from the server's clock are refused (401), " +
					"so a captured call cannot be replayed later. Outbound webhooks are signed the same way."},
			},
		},
	}
}

// operation renders one apiOp as an OpenAPI operation object.
func (op apiOp) operation() js {
	o := js{"tags": []string{op.tag}, "summary": op.summary, "operationId": op.operationID()}
	if op.notes != "" {
		o["description"] = op.notes
	}
	var params []js
	for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
		params = append(params, js{"name": m[1], "in": "path", "required": true, "schema": js{"type": "string", "format": "uuid"}})
	}
	for _, p := range op.params {
		q := js{"name": p.name, "in": p.in, "schema": p.schema, "required": p.required}
		if p.desc != "" {
			q["description"] = p.desc
		}
		params = append(params, q)
	}
	if params != nil {
		o["parameters"] = params
	}
	switch op.body {
	case "":
	case bodyFile:
		o["requestBody"] = js{"required": true, "content": js{"multipart/form-data": js{"schema": object(props{
			"file": js{"type": "string", "format": "binary", "description": "The file; its type is sniffed from its bytes. A part Content-Type other than application/octet-stream must agree with them (415 otherwise)."},
		}, "file")}}}
	default:
		o["requestBody"] = js{"required": true, "content": js{"application/json": js{"schema": ref(op.body)}}}
	}
	switch op.auth {
	case authUser:
		o["security"] = []js{{"user": []string{}}}
	case authOps:
		o["security"] = []js{{"operator": []string{}}}
	case authSigned:
		o["security"] = []js{{"signature": []string{}}}
	case authUserOrURL:
		o["security"] = []js{{"user": []string{}}, {}}
	default:
		o["security"] = []js{}
	}
	o["responses"] = op.responses()
	return o
}

func (op apiOp) responses() js {
	status := op.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := js{"description": http.StatusText(status)}
	switch op.reply {
	case "":
	case replyPNG:
		ok["content"] = js{"image/png": js{"schema": js{"type": "string", "format": "binary"}}}
	case replyText:
		ok["content"] = js{"text/plain": js{"schema": js{"type": "string"}}}
	case replyFile:
		ok["content"] = js{"*/*": js{"schema": js{"type": "string", "format": "binary"}}}
	case replyWebSocket:
		ok["description"] = "Switching Protocols: the connection is a WebSocket (see the tag's description for its frames)"
	default:
		ok["content"] = js{"application/json": js{"schema": ref(op.reply)}}
	}
	out := js{strconv.Itoa(status): ok}
	if op.reply == replyFile {
		out["206"] = js{"description": "Partial Content: the single byte range asked for with Range (Content-Range says which)",
			"content": js{"*/*": js{"schema": js{"type": "string", "format": "binary"}}}}
		out["304"] = js{"description": "Not Modified: If-None-Match named the file's ETag"}
	}
	errs := slices.Clone(op.errors)
	if op.body != "" || len(op.params) > 0 || strings.Contains(op.path, "{") {
		errs = append(errs, http.StatusBadRequest)
	}
	if op.auth != authPublic {
		errs = append(errs, http.StatusUnauthorized)
	}
	if strings.Contains(op.path, "{") {
		errs = append(errs, http.StatusNotFound)
	}
	if op.auth == authUser || op.auth == authSigned || op.auth == authUserOrURL {
		errs = append(errs, http.StatusServiceUnavailable)
	}
	for _, code := range errs {
		out[strconv.Itoa(code)] = js{"$ref": "#/components/responses/" + errorResponseName(code)}
	}
	return out
}

// operationID names an operation from its method and path: GET /api/products/{productId} is getProductsByProductId.
func (op apiOp) operationID() string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.method))
	for _, part := range strings.FieldsFunc(strings.TrimPrefix(op.path, "/api"), func(r rune) bool { return r == '/' || r == '.' || r == '-' }) {
		if m := pathParam.FindStringSubmatch(part); m != nil {
			part = "by" + strings.ToUpper(m[1][:1]) + m[1][1:]
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func ref(name string) js { return js{"$ref": "#/components/schemas/" + name} }

// errorResponses are the shared error answers, all in the error envelope.
func errorResponses() js {
	out := js{}
	for _, code := range slices.Sorted(maps.Keys(errorDescriptions)) {
		out[errorResponseName(code)] = js{"description": errorDescriptions[code],
			"content": js{"application/json": js{"schema": ref("Error")}}}
	}
	return out
}

var errorDescriptions = map[int]string{
	http.StatusBadRequest:                   "The input is malformed or invalid; fields lists every bad field.",
	http.StatusUnauthorized:                 "Credentials are missing or wrong.",
	http.StatusForbidden:                    "The caller's role may not do this.",
	http.StatusNotFound:                     "No such record in the caller's tenant.",
	http.StatusConflict:                     "The request clashes with stored state: a unique value is taken, a record is still in use, or a status change is not allowed.",
	http.StatusRequestEntityTooLarge:        "The body is larger than the configured limit.",
	http.StatusUnprocessableEntity:          "idempotency_key_reused: the Idempotency-Key was already used by this user on this path with a different body; not_on_whatsapp: the WhatsApp recipient has no WhatsApp account.",
	http.StatusUnsupportedMediaType:         "The file's type, sniffed from its bytes, is not accepted (AEZEN_MEDIA_ALLOWED_TYPES) or is not the type the request declared.",
	http.StatusRequestedRangeNotSatisfiable: "The Range starts beyond the end of the file; Content-Range gives its size.",
	http.StatusTooManyRequests:              "Too many requests (failed logins, sign-ups); Retry-After says when to try again.",
	http.StatusServiceUnavailable:           "The tenant or a dependency (the database) did not answer in time; the request can be retried after Retry-After seconds.",
}

func errorResponseName(code int) string {
	return strings.ReplaceAll(http.StatusText(code), " ", "")
}
