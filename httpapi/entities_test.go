package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestEntities runs the suites of the business entity resources on one engine (starting one costs seconds),
// in parallel: each suite works in tenants of its own.
func TestEntities(t *testing.T) {
	e := testkit.StartDefault(t)
	suites := []struct {
		name string
		run  func(*testing.T, *testkit.Engine)
	}{
		{"products", testProducts},
		{"customers", testCustomers},
		{"orders", testOrders},
		{"chats", testChats},
		{"messages", testChatMessages},
		{"channels", testChannels},
		{"tenancy", testEntityTenancy},
	}
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.run(t, e)
		})
	}
}

// tenant is a signed-up tenant of a running engine with a channel to hang customers, orders and chats on.
type tenant struct {
	e       *testkit.Engine
	acct    testkit.Account
	channel string
}

// newTenant signs up a tenant on e and creates a SHOPIFY channel for it (a platform without a session, so
// that nothing tries to reach the outside world).
func newTenant(t *testing.T, e *testkit.Engine) *tenant {
	t.Helper()
	tn := &tenant{e: e, acct: e.SignUp()}
	var ch struct {
		ChannelID string `json:"channelId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/channels", tn.acct.Token, obj{"platformType": "SHOPIFY", "channelName": "Shop"}, &ch)
	tn.channel = ch.ChannelID
	return tn
}

// obj is a JSON object to send.
type obj = map[string]any

// do sends a request as the tenant's owner.
func (tn *tenant) do(method, path string, body any, headers ...string) testkit.Response {
	return tn.e.Do(method, path, tn.acct.Token, body, headers...)
}

// must sends a request as the tenant's owner and fails t unless the status is want.
func (tn *tenant) must(t *testing.T, want int, method, path string, body, out any) testkit.Response {
	t.Helper()
	r := tn.do(method, path, body)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, r.Body, err)
		}
	}
	return r
}

// create posts a record and returns it as a map.
func (tn *tenant) create(t *testing.T, path string, body obj) obj {
	t.Helper()
	var out obj
	tn.must(t, http.StatusCreated, "POST", path, body, &out)
	return out
}

func (tn *tenant) product(t *testing.T, name, price, currency string, extra obj) obj {
	t.Helper()
	body := obj{"name": name, "price": price, "currency": currency}
	for k, v := range extra {
		body[k] = v
	}
	return tn.create(t, "/api/products", body)
}

func (tn *tenant) customer(t *testing.T, platformID string, extra obj) obj {
	t.Helper()
	body := obj{"channelId": tn.channel, "platformCustomerId": platformID}
	for k, v := range extra {
		body[k] = v
	}
	return tn.create(t, "/api/customers", body)
}

func (tn *tenant) chat(t *testing.T, customerID string, extra obj) obj {
	t.Helper()
	body := obj{"customerId": customerID}
	for k, v := range extra {
		body[k] = v
	}
	return tn.create(t, "/api/chats", body)
}

func (tn *tenant) order(t *testing.T, customerID, currency string, items ...obj) obj {
	t.Helper()
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	return tn.create(t, "/api/orders", obj{"customerId": customerID, "currency": currency, "items": list})
}

// apiError is the error envelope.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

// expectError checks an error answer: its status, its envelope and, when given, exactly the bad fields.
func expectError(t *testing.T, r testkit.Response, status int, fields ...string) apiError {
	t.Helper()
	var env apiError
	if err := json.Unmarshal(r.Body, &env); err != nil || env.Error.Code == "" {
		t.Fatalf("status %d, body %s is not an error envelope", r.Status, r.Body)
	}
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if len(fields) > 0 {
		var got []string
		for _, f := range env.Error.Fields {
			got = append(got, f.Field)
		}
		slices.Sort(got)
		want := slices.Clone(fields)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("bad fields %v, want %v: %s", got, want, r.Body)
		}
	}
	return env
}

// page is one page of a list answer.
type page struct {
	Data       []obj `json:"data"`
	NextOffset *int  `json:"nextOffset"`
}

// listAll pages through a list with the given page size and returns the ids of every record, in order.
func (tn *tenant) listAll(t *testing.T, path, idField string, size int) []string {
	t.Helper()
	var ids []string
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	offset := 0
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("%s: more than 100 pages", path)
		}
		var p page
		tn.must(t, http.StatusOK, "GET", fmt.Sprintf("%s%slimit=%d&offset=%d", path, sep, size, offset), nil, &p)
		if len(p.Data) > size {
			t.Fatalf("%s: page of %d rows, limit %d", path, len(p.Data), size)
		}
		for _, row := range p.Data {
			ids = append(ids, str(row[idField]))
		}
		if p.NextOffset == nil {
			return ids
		}
		if len(p.Data) != size || *p.NextOffset != offset+size {
			t.Fatalf("%s: a page of %d rows at offset %d says next offset %d", path, len(p.Data), offset, *p.NextOffset)
		}
		offset = *p.NextOffset
	}
}

// expectList checks that a filtered list, paged one row at a time to the end, holds exactly want, in order.
func (tn *tenant) expectList(t *testing.T, path, idField string, want ...string) {
	t.Helper()
	got := tn.listAll(t, path, idField, 1)
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("GET %s: ids %v, want %v", path, got, want)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func id(rec obj, field string) string { return str(rec[field]) }

func q(v string) string { return url.QueryEscape(v) }

// expectRFC3339 fails unless the field holds an RFC 3339 timestamp.
func expectRFC3339(t *testing.T, rec obj, fields ...string) {
	t.Helper()
	for _, f := range fields {
		if _, err := time.Parse(time.RFC3339Nano, str(rec[f])); err != nil {
			t.Fatalf("%s = %v is not RFC 3339", f, rec[f])
		}
	}
}

// waitEvents waits until the client has received n events of a kind and returns them.
func waitEvents(t *testing.T, ws *testkit.WSClient, event string, n int) []testkit.Frame {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, fmt.Sprintf("%d %s events", n, event), func() bool { return len(ws.Frames(event)) >= n })
	return ws.Frames(event)
}

// unknownID is a well-formed id that no record has.
const unknownID = "01900000-0000-7000-8000-000000000000"
