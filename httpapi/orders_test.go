package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

func testOrders(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e)
	ws := e.DialWS(tn.acct.Token)

	mug := id(tn.product(t, "Mug", "12.50", "USD", nil), "productId")
	tee := id(tn.product(t, "Tee", "0.10", "USD", nil), "productId")
	euro := id(tn.product(t, "Croissant", "2.00", "EUR", nil), "productId")
	gone := id(tn.product(t, "Old", "1.00", "USD", obj{"isAvailable": false}), "productId")
	pricey := id(tn.product(t, "Yacht", "99999999.99", "USD", nil), "productId")
	ada := id(tn.customer(t, "ada", nil), "customerId")
	bob := id(tn.customer(t, "bob", nil), "customerId")

	first := tn.create(t, "/api/orders", obj{"customerId": ada, "currency": "USD", "platformOrderId": "shop-1",
		"shippingAddress": obj{"city": "London"},
		"items":           []obj{{"productId": mug, "quantity": 3}, {"productId": tee, "quantity": 7}}})
	firstID := id(first, "orderId")

	t.Run("create computes the total and snapshots prices", func(t *testing.T) {
		if first["totalAmount"] != "38.20" || first["orderStatus"] != "PENDING" || first["currency"] != "USD" ||
			first["channelId"] != tn.channel || first["userId"] != tn.acct.UserID || first["billingAddress"] != nil {
			t.Fatalf("created %v", first)
		}
		items, _ := first["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("items %v", first["items"])
		}
		it := items[0].(map[string]any)
		if it["productId"] != mug || it["quantity"] != 3.0 || it["priceAtPurchase"] != "12.50" || it["currencyAtPurchase"] != "USD" ||
			it["orderId"] != firstID {
			t.Fatalf("first item %v", it)
		}
		expectRFC3339(t, first, "createdAt", "updatedAt")

		// A later price change leaves the order as it was bought.
		tn.must(t, http.StatusOK, "PUT", "/api/products/"+mug, obj{"price": "99.00"}, nil)
		var got struct {
			TotalAmount string `json:"totalAmount"`
			Items       []obj  `json:"items"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/orders/"+firstID+"?include=items", nil, &got)
		if got.TotalAmount != "38.20" || got.Items[0]["priceAtPurchase"] != "12.50" {
			t.Fatalf("after a price change: %+v", got)
		}
	})

	t.Run("create and update emit order_updated", func(t *testing.T) {
		frames := waitEvents(t, ws, "order_updated", 1)
		var ev struct {
			OrderID string `json:"orderId"`
			Items   []obj  `json:"items"`
		}
		if err := json.Unmarshal(frames[0].Data, &ev); err != nil || ev.OrderID != firstID || len(ev.Items) != 2 {
			t.Fatalf("order_updated %s (%v)", frames[0].Data, err)
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		line := func(product string, qty any) []obj { return []obj{{"productId": product, "quantity": qty}} }
		cases := []struct {
			name   string
			body   any
			status int
			fields []string
		}{
			{"customerId missing", obj{"currency": "USD", "items": line(mug, 1)}, 400, []string{"customerId"}},
			{"customerId not a UUID", obj{"customerId": "x", "currency": "USD", "items": line(mug, 1)}, 400, []string{"customerId"}},
			{"customerId unknown", obj{"customerId": unknownID, "currency": "USD", "items": line(mug, 1)}, 400, []string{"customerId"}},
			{"channelId unknown", obj{"customerId": ada, "channelId": unknownID, "currency": "USD", "items": line(mug, 1)}, 400, []string{"channelId"}},
			{"currency missing", obj{"customerId": ada, "items": line(mug, 1)}, 400, []string{"currency"}},
			{"currency invalid", obj{"customerId": ada, "currency": "$", "items": line(mug, 1)}, 400, []string{"currency"}},
			{"items missing", obj{"customerId": ada, "currency": "USD"}, 400, []string{"items"}},
			{"items empty", obj{"customerId": ada, "currency": "USD", "items": []obj{}}, 400, []string{"items"}},
			{"quantity zero", obj{"customerId": ada, "currency": "USD", "items": line(mug, 0)}, 400, []string{"items[0].quantity"}},
			{"quantity negative", obj{"customerId": ada, "currency": "USD", "items": line(mug, -2)}, 400, []string{"items[0].quantity"}},
			{"quantity fractional", obj{"customerId": ada, "currency": "USD", "items": line(mug, 1.5)}, 400, []string{"items.quantity"}},
			{"productId not a UUID", obj{"customerId": ada, "currency": "USD", "items": line("nope", 1)}, 400, []string{"items[0].productId"}},
			{"product unknown", obj{"customerId": ada, "currency": "USD", "items": line(unknownID, 1)}, 400, []string{"items[0].productId"}},
			{"product in another currency", obj{"customerId": ada, "currency": "USD",
				"items": []obj{{"productId": mug, "quantity": 1}, {"productId": euro, "quantity": 1}}}, 400, []string{"items[1].productId"}},
			{"product unavailable", obj{"customerId": ada, "currency": "USD", "items": line(gone, 1)}, 400, []string{"items[0].productId"}},
			{"total too large", obj{"customerId": ada, "currency": "USD", "items": line(pricey, 2)}, 400, []string{"items"}},
			{"orderStatus invalid", obj{"customerId": ada, "currency": "USD", "items": line(mug, 1), "orderStatus": "LOST"}, 400, []string{"orderStatus"}},
			{"address not an object", obj{"customerId": ada, "currency": "USD", "items": line(mug, 1), "billingAddress": "Main St"}, 400, []string{"billingAddress"}},
			{"userId not on the team", obj{"customerId": ada, "currency": "USD", "items": line(mug, 1), "userId": unknownID}, 400, []string{"userId"}},
			{"totalAmount is computed", obj{"customerId": ada, "currency": "USD", "items": line(mug, 1), "totalAmount": "1.00"}, 400, []string{"totalAmount"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/orders", tc.body), tc.status, tc.fields...)
			})
		}
		// Nothing of the refused orders was stored.
		tn.expectList(t, "/api/orders", "orderId", firstID)
	})

	second := tn.order(t, bob, "USD", obj{"productId": tee, "quantity": 1})
	third := tn.create(t, "/api/orders", obj{"customerId": bob, "currency": "EUR", "orderStatus": "PROCESSING",
		"items": []obj{{"productId": euro, "quantity": 2}}})
	secondID, thirdID := id(second, "orderId"), id(third, "orderId")

	t.Run("list filters and pages", func(t *testing.T) {
		today := time.Now().UTC().Format(time.DateOnly)
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		secondAt := str(second["createdAt"])
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{firstID, secondID, thirdID}},
			{"orderStatus=PROCESSING", []string{thirdID}},
			{"orderStatus=PENDING", []string{firstID, secondID}},
			{"customerId=" + bob, []string{secondID, thirdID}},
			{"customerId=" + unknownID, nil},
			{"channelId=" + tn.channel, []string{firstID, secondID, thirdID}},
			{"createdFrom=" + today, []string{firstID, secondID, thirdID}},
			{"createdFrom=" + tomorrow, nil},
			{"createdTo=" + today, []string{firstID, secondID, thirdID}},
			{"createdFrom=" + q(secondAt), []string{secondID, thirdID}},
			{"createdTo=" + q(secondAt), []string{firstID}},
			{"createdFrom=" + q(secondAt) + "&customerId=" + bob + "&orderStatus=PENDING", []string{secondID}},
		}
		for _, tc := range cases {
			t.Run("?"+tc.query, func(t *testing.T) {
				tn.expectList(t, "/api/orders?"+tc.query, "orderId", tc.want...)
			})
		}
		for _, query := range []string{"orderStatus=LOST", "customerId=1", "channelId=x", "createdFrom=yesterday",
			"createdTo=2024-13-01", "createdFrom=" + tomorrow + "&createdTo=" + today, "include=chats", "status=PENDING"} {
			t.Run("refuses "+query, func(t *testing.T) {
				expectError(t, tn.do("GET", "/api/orders?"+query, nil), http.StatusBadRequest)
			})
		}
	})

	t.Run("include items and customer", func(t *testing.T) {
		var p struct {
			Data []struct {
				OrderID  string `json:"orderId"`
				Items    []obj  `json:"items"`
				Customer obj    `json:"customer"`
			} `json:"data"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/orders?include=items,customer&customerId="+bob, nil, &p)
		if len(p.Data) != 2 || len(p.Data[0].Items) != 1 || p.Data[1].Customer["customerId"] != bob {
			t.Fatalf("embedded %+v", p.Data)
		}
		var plain obj
		tn.must(t, http.StatusOK, "GET", "/api/orders/"+secondID, nil, &plain)
		if _, ok := plain["items"]; ok {
			t.Fatalf("items embedded without include: %v", plain)
		}
	})

	t.Run("status follows the lifecycle", func(t *testing.T) {
		steps := []struct {
			to     string
			status int
		}{
			{"SHIPPED", http.StatusConflict},
			{"PROCESSING", http.StatusOK},
			{"PENDING", http.StatusConflict},
			{"SHIPPED", http.StatusOK},
			{"SHIPPED", http.StatusOK},
			{"PENDING", http.StatusConflict},
			{"CANCELLED", http.StatusConflict},
			{"DELIVERED", http.StatusOK},
			{"REFUNDED", http.StatusOK},
			{"PROCESSING", http.StatusConflict},
		}
		for _, st := range steps {
			r := tn.do("PUT", "/api/orders/"+secondID, obj{"orderStatus": st.to})
			if r.Status != st.status {
				t.Fatalf("→ %s: status %d, want %d: %s", st.to, r.Status, st.status, r.Body)
			}
			if st.status == http.StatusConflict {
				expectError(t, r, http.StatusConflict)
			}
		}
		tn.must(t, http.StatusOK, "PUT", "/api/orders/"+thirdID, obj{"orderStatus": "CANCELLED"}, nil)
		env := expectError(t, tn.do("PUT", "/api/orders/"+thirdID, obj{"orderStatus": "PROCESSING"}), http.StatusConflict)
		if !strings.Contains(env.Error.Message, "CANCELLED") {
			t.Fatalf("conflict message %q", env.Error.Message)
		}
		if n := len(waitEvents(t, ws, "order_updated", 9)); n < 9 {
			t.Fatalf("%d order_updated events", n)
		}
	})

	t.Run("update", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/orders/"+firstID, obj{"billingAddress": obj{"city": "Paris"},
			"shippingAddress": nil, "platformOrderId": "", "userId": tn.acct.UserID}, &got)
		billing, _ := got["billingAddress"].(map[string]any)
		if billing["city"] != "Paris" || got["shippingAddress"] != nil || got["platformOrderId"] != nil || got["totalAmount"] != "38.20" {
			t.Fatalf("updated %v", got)
		}
		if items, _ := got["items"].([]any); len(items) != 2 {
			t.Fatalf("update answer without items: %v", got)
		}
		for name, body := range map[string]obj{
			"items":           {"items": []obj{{"productId": mug, "quantity": 1}}},
			"currency":        {"currency": "EUR"},
			"customerId":      {"customerId": bob},
			"orderStatus":     {"orderStatus": "done"},
			"userId":          {"userId": unknownID},
			"shippingAddress": {"shippingAddress": 5},
		} {
			t.Run("refuses "+name, func(t *testing.T) {
				expectError(t, tn.do("PUT", "/api/orders/"+firstID, body), http.StatusBadRequest, name)
			})
		}
	})

	t.Run("a product on an order cannot be deleted", func(t *testing.T) {
		env := expectError(t, tn.do("DELETE", "/api/products/"+tee, nil), http.StatusConflict)
		if !strings.Contains(env.Error.Message, "product is used by 2 order items") {
			t.Fatalf("conflict message %q", env.Error.Message)
		}
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/orders/"+unknownID, obj{"orderStatus": "PROCESSING"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/orders/x", obj{"orderStatus": "PROCESSING"}), http.StatusBadRequest, "orderId")
		}
	})

	t.Run("delete removes the order and its items", func(t *testing.T) {
		tn.must(t, http.StatusNoContent, "DELETE", "/api/orders/"+firstID, nil, nil)
		expectError(t, tn.do("GET", "/api/orders/"+firstID, nil), http.StatusNotFound)
		tn.must(t, http.StatusNoContent, "DELETE", "/api/orders/"+secondID, nil, nil)
		tn.must(t, http.StatusNoContent, "DELETE", "/api/products/"+tee, nil, nil)
	})
}
