package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

func testProducts(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e)

	mug := tn.product(t, "Coffee Mug", "12.5", "USD", obj{"sku": "MUG-1", "description": "Blue", "imageUrl": "https://cdn.example.com/mug.png"})
	tee := tn.product(t, "T-shirt", "20", "USD", obj{"sku": "TEE-1", "isAvailable": false})
	cap_ := tn.product(t, "Cap", "9.99", "EUR", nil)
	bigMug := tn.product(t, "Big MUG", "99999999.99", "USD", obj{"shortId": "bm"})
	mugID, teeID, capID, bigID := id(mug, "productId"), id(tee, "productId"), id(cap_, "productId"), id(bigMug, "productId")

	t.Run("create answers the stored product", func(t *testing.T) {
		if mug["price"] != "12.50" || mug["currency"] != "USD" || mug["isAvailable"] != true || mug["sku"] != "MUG-1" ||
			mug["userId"] != tn.acct.UserID || mug["imageId"] != nil {
			t.Fatalf("created %v", mug)
		}
		if bigMug["price"] != "99999999.99" || tee["isAvailable"] != false {
			t.Fatalf("created %v and %v", bigMug, tee)
		}
		expectRFC3339(t, mug, "createdAt", "updatedAt")
	})

	t.Run("get", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "GET", "/api/products/"+mugID, nil, &got)
		if got["name"] != "Coffee Mug" || got["price"] != "12.50" || got["description"] != "Blue" {
			t.Fatalf("got %v", got)
		}
	})

	t.Run("list filters and pages", func(t *testing.T) {
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{mugID, teeID, capID, bigID}},
			{"isAvailable=true", []string{mugID, capID, bigID}},
			{"isAvailable=false", []string{teeID}},
			{"name=mug", []string{mugID, bigID}},
			{"name=" + q("100%"), nil},
			{"sku=TEE-1", []string{teeID}},
			{"sku=tee-1", nil},
			{"currency=EUR", []string{capID}},
			{"currency=USD&isAvailable=true&name=MUG", []string{mugID, bigID}},
		}
		for _, tc := range cases {
			t.Run("?"+tc.query, func(t *testing.T) {
				tn.expectList(t, "/api/products?"+tc.query, "productId", tc.want...)
			})
		}
		if all := tn.listAll(t, "/api/products", "productId", 3); len(all) != 4 {
			t.Fatalf("pages of 3: %v", all)
		}
		var p page
		tn.must(t, http.StatusOK, "GET", "/api/products", nil, &p)
		if len(p.Data) != 4 || p.NextOffset != nil {
			t.Fatalf("default page: %d rows, next %v", len(p.Data), p.NextOffset)
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		valid := func(change obj) obj {
			b := obj{"name": "Pen", "price": "1.00", "currency": "USD"}
			for k, v := range change {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		cases := []struct {
			name   string
			body   any
			fields []string
		}{
			{"name missing", valid(obj{"name": nil}), []string{"name"}},
			{"name empty", valid(obj{"name": ""}), []string{"name"}},
			{"name too long", valid(obj{"name": strings.Repeat("x", 201)}), []string{"name"}},
			{"price missing", valid(obj{"price": nil}), []string{"price"}},
			{"price negative", valid(obj{"price": "-1.00"}), []string{"price"}},
			{"price three decimals", valid(obj{"price": "1.005"}), []string{"price"}},
			{"price not a number", valid(obj{"price": "abc"}), []string{"price"}},
			{"price exponent", valid(obj{"price": "1e3"}), []string{"price"}},
			{"price too large", valid(obj{"price": "100000000.00"}), []string{"price"}},
			{"price as a JSON number", valid(obj{"price": 12.5}), []string{"price"}},
			{"currency missing", valid(obj{"currency": nil}), []string{"currency"}},
			{"currency lower case", valid(obj{"currency": "usd"}), []string{"currency"}},
			{"currency unknown", valid(obj{"currency": "XYZ1"}), []string{"currency"}},
			{"sku too long", valid(obj{"sku": strings.Repeat("s", 101)}), []string{"sku"}},
			{"imageUrl not a URL", valid(obj{"imageUrl": "not a url"}), []string{"imageUrl"}},
			{"isAvailable not a boolean", valid(obj{"isAvailable": "yes"}), []string{"isAvailable"}},
			{"unknown field", valid(obj{"colour": "red"}), []string{"colour"}},
			{"id is not writable", valid(obj{"productId": unknownID}), []string{"productId"}},
			{"every bad field at once", obj{"name": "", "price": "-1", "currency": "usd"}, []string{"name", "price", "currency"}},
			{"name with a NUL character", valid(obj{"name": "a\x00b"}), nil},
			{"malformed JSON", `{"name":`, nil},
			{"not an object", `[1]`, nil},
			{"empty body", "", nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/products", tc.body), http.StatusBadRequest, tc.fields...)
			})
		}
	})

	t.Run("list refuses bad parameters", func(t *testing.T) {
		for _, query := range []string{"limit=0", "limit=201", "limit=x", "offset=-1", "isAvailable=maybe", "available=true", "include=orders", "name=%00"} {
			t.Run(query, func(t *testing.T) {
				expectError(t, tn.do("GET", "/api/products?"+query, nil), http.StatusBadRequest)
			})
		}
	})

	t.Run("sku is unique", func(t *testing.T) {
		env := expectError(t, tn.do("POST", "/api/products", obj{"name": "Other", "price": "1", "currency": "USD", "sku": "MUG-1"}),
			http.StatusConflict, "sku")
		if !strings.Contains(env.Error.Message, "sku") {
			t.Fatalf("conflict message %q does not name sku", env.Error.Message)
		}
		expectError(t, tn.do("PUT", "/api/products/"+teeID, obj{"sku": "MUG-1"}), http.StatusConflict, "sku")
	})

	t.Run("update", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/products/"+mugID, obj{"price": "15", "name": "Mug", "description": ""}, &got)
		if got["price"] != "15.00" || got["name"] != "Mug" || got["description"] != nil || got["sku"] != "MUG-1" ||
			got["imageUrl"] != "https://cdn.example.com/mug.png" {
			t.Fatalf("updated %v", got)
		}
		if got["updatedAt"] == mug["updatedAt"] || got["createdAt"] != mug["createdAt"] {
			t.Fatalf("timestamps after update: %v", got)
		}
		tn.must(t, http.StatusOK, "GET", "/api/products/"+mugID, nil, &got)
		if got["price"] != "15.00" {
			t.Fatalf("stored %v", got)
		}
	})

	t.Run("update refuses each invalid field", func(t *testing.T) {
		for name, body := range map[string]obj{
			"name":        {"name": ""},
			"price":       {"price": "1.234"},
			"currency":    {"currency": "dollars"},
			"imageUrl":    {"imageUrl": "ftp//x"},
			"isAvailable": {"isAvailable": 1},
		} {
			t.Run(name, func(t *testing.T) {
				expectError(t, tn.do("PUT", "/api/products/"+capID, body), http.StatusBadRequest, name)
			})
		}
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/products/"+unknownID, obj{"name": "x"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/products/not-a-uuid", obj{"name": "x"}), http.StatusBadRequest, "productId")
		}
	})

	t.Run("delete", func(t *testing.T) {
		tn.must(t, http.StatusNoContent, "DELETE", "/api/products/"+capID, nil, nil)
		expectError(t, tn.do("GET", "/api/products/"+capID, nil), http.StatusNotFound)
		expectError(t, tn.do("DELETE", "/api/products/"+capID, nil), http.StatusNotFound)
		tn.expectList(t, "/api/products", "productId", mugID, teeID, bigID)
	})
}
