package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// testEntityTenancy checks that every entity of one tenant is invisible to another: its ids answer 404
// for reading, changing and deleting, its lists do not show them, and its bodies cannot refer to them.
func testEntityTenancy(t *testing.T, e *testkit.Engine) {
	a, b := newTenant(t, e), newTenant(t, e)
	product := id(a.product(t, "Mug", "5.00", "USD", obj{"sku": "SHARED-SKU"}), "productId")
	customer := id(a.customer(t, "ada", nil), "customerId")
	order := id(a.order(t, customer, "USD", obj{"productId": product, "quantity": 1}), "orderId")
	chat := id(a.chat(t, customer, nil), "chatId")
	message := id(a.create(t, "/api/chats/"+chat+"/messages", obj{"senderType": "CUSTOMER", "content": "hi"}), "messageId")

	records := []struct {
		path string
		body obj
	}{
		{"/api/channels/" + a.channel, obj{"channelName": "mine now"}},
		{"/api/products/" + product, obj{"name": "mine now"}},
		{"/api/customers/" + customer, obj{"fullName": "mine now"}},
		{"/api/orders/" + order, obj{"orderStatus": "CANCELLED"}},
		{"/api/chats/" + chat, obj{"status": "CLOSED"}},
		{"/api/messages/" + message, obj{"content": "mine now"}},
	}
	for _, rec := range records {
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			t.Run(method+" "+rec.path, func(t *testing.T) {
				expectError(t, b.do(method, rec.path, rec.body), http.StatusNotFound)
			})
		}
	}

	t.Run("lists show only the tenant's own records", func(t *testing.T) {
		b.expectList(t, "/api/products", "productId")
		b.expectList(t, "/api/customers", "customerId")
		b.expectList(t, "/api/orders?customerId="+customer, "orderId")
		b.expectList(t, "/api/chats", "chatId")
		b.expectList(t, "/api/channels", "channelId", b.channel)
	})

	t.Run("bodies cannot name another tenant's records", func(t *testing.T) {
		expectError(t, b.do("POST", "/api/orders", obj{"customerId": customer, "currency": "USD",
			"items": []obj{{"productId": product, "quantity": 1}}}), http.StatusBadRequest, "customerId")
		own := id(b.customer(t, "bob", nil), "customerId")
		expectError(t, b.do("POST", "/api/orders", obj{"customerId": own, "currency": "USD",
			"items": []obj{{"productId": product, "quantity": 1}}}), http.StatusBadRequest, "items[0].productId")
		expectError(t, b.do("POST", "/api/chats", obj{"customerId": customer}), http.StatusBadRequest, "customerId")
		expectError(t, b.do("POST", "/api/customers", obj{"channelId": a.channel, "platformCustomerId": "x"}), http.StatusBadRequest, "channelId")
		for _, sender := range []string{"CUSTOMER", "AGENT"} {
			expectError(t, b.do("POST", "/api/chats/"+chat+"/messages", obj{"senderType": sender, "content": "x"}), http.StatusNotFound)
		}
		expectError(t, b.do("GET", "/api/chats/"+chat+"/messages", nil), http.StatusNotFound)
	})

	t.Run("unique keys are per tenant", func(t *testing.T) {
		b.product(t, "Their mug", "5.00", "USD", obj{"sku": "SHARED-SKU"})
	})

	t.Run("the owner's records are untouched", func(t *testing.T) {
		for _, rec := range records {
			a.must(t, http.StatusOK, "GET", rec.path, nil, nil)
		}
	})
}
