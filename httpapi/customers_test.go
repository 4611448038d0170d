package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

func testCustomers(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e)
	var other struct {
		ChannelID string `json:"channelId"`
	}
	tn.must(t, http.StatusCreated, "POST", "/api/channels", obj{"platformType": "INSTAGRAM"}, &other)

	ada := tn.customer(t, "ada", obj{"fullName": "Ada Lovelace", "email": "ada@example.com", "phone": "+441234567890",
		"metadata": obj{"vip": true}})
	bob := tn.customer(t, "bob", obj{"fullName": "Bob Stone", "email": "bob@shop.io", "phone": "+15551234567"})
	cyd := tn.create(t, "/api/customers", obj{"channelId": other.ChannelID, "platformCustomerId": "cyd", "fullName": "Cyd Ada"})
	adaID, bobID, cydID := id(ada, "customerId"), id(bob, "customerId"), id(cyd, "customerId")

	t.Run("create answers the stored customer", func(t *testing.T) {
		meta, _ := ada["metadata"].(map[string]any)
		if ada["channelId"] != tn.channel || ada["platformCustomerId"] != "ada" || ada["email"] != "ada@example.com" ||
			meta["vip"] != true || ada["avatarUrl"] != nil {
			t.Fatalf("created %v", ada)
		}
		expectRFC3339(t, ada, "firstSeenAt", "lastSeenAt")
	})

	t.Run("list filters and pages", func(t *testing.T) {
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{adaID, bobID, cydID}},
			{"name=ada", []string{adaID, cydID}},
			{"name=" + q("lovelace"), []string{adaID}},
			{"email=" + q("@EXAMPLE."), []string{adaID}},
			{"phone=" + q("+1555"), []string{bobID}},
			{"phone=555", []string{bobID}},
			{"channelId=" + tn.channel, []string{adaID, bobID}},
			{"channelId=" + other.ChannelID + "&name=cyd", []string{cydID}},
			{"name=_", nil},
			{"channelId=" + unknownID, nil},
		}
		for _, tc := range cases {
			t.Run("?"+tc.query, func(t *testing.T) {
				tn.expectList(t, "/api/customers?"+tc.query, "customerId", tc.want...)
			})
		}
		for _, query := range []string{"channelId=nope", "limit=500", "include=items", "fullName=ada"} {
			t.Run("refuses "+query, func(t *testing.T) {
				expectError(t, tn.do("GET", "/api/customers?"+query, nil), http.StatusBadRequest)
			})
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		cases := []struct {
			name   string
			body   obj
			fields []string
		}{
			{"channelId missing", obj{"platformCustomerId": "x"}, []string{"channelId"}},
			{"channelId not a UUID", obj{"channelId": "abc", "platformCustomerId": "x"}, []string{"channelId"}},
			{"channelId unknown", obj{"channelId": unknownID, "platformCustomerId": "x"}, []string{"channelId"}},
			{"platformCustomerId missing", obj{"channelId": tn.channel}, []string{"platformCustomerId"}},
			{"platformCustomerId empty", obj{"channelId": tn.channel, "platformCustomerId": ""}, []string{"platformCustomerId"}},
			{"email", obj{"channelId": tn.channel, "platformCustomerId": "x", "email": "nope"}, []string{"email"}},
			{"phone", obj{"channelId": tn.channel, "platformCustomerId": "x", "phone": "call me"}, []string{"phone"}},
			{"avatarUrl", obj{"channelId": tn.channel, "platformCustomerId": "x", "avatarUrl": "x"}, []string{"avatarUrl"}},
			{"fullName too long", obj{"channelId": tn.channel, "platformCustomerId": "x", "fullName": strings.Repeat("n", 201)}, []string{"fullName"}},
			{"metadata not an object", obj{"channelId": tn.channel, "platformCustomerId": "x", "metadata": []int{1}}, []string{"metadata"}},
			{"fullName wrong type", obj{"channelId": tn.channel, "platformCustomerId": "x", "fullName": 7}, []string{"fullName"}},
			{"several at once", obj{"email": "nope", "phone": "x"}, []string{"channelId", "platformCustomerId", "email", "phone"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/customers", tc.body), http.StatusBadRequest, tc.fields...)
			})
		}
	})

	t.Run("platform id is unique per channel", func(t *testing.T) {
		expectError(t, tn.do("POST", "/api/customers", obj{"channelId": tn.channel, "platformCustomerId": "ada"}),
			http.StatusConflict, "platformCustomerId")
		expectError(t, tn.do("PUT", "/api/customers/"+bobID, obj{"platformCustomerId": "ada"}), http.StatusConflict, "platformCustomerId")
		tn.create(t, "/api/customers", obj{"channelId": other.ChannelID, "platformCustomerId": "ada"})
	})

	t.Run("update", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/customers/"+adaID, obj{"fullName": "Ada King", "email": "", "metadata": nil}, &got)
		if got["fullName"] != "Ada King" || got["email"] != nil || got["metadata"] != nil || got["phone"] != "+441234567890" {
			t.Fatalf("updated %v", got)
		}
		for name, body := range map[string]obj{
			"email":     {"email": "x@"},
			"phone":     {"phone": "12"},
			"channelId": {"channelId": other.ChannelID},
			"metadata":  {"metadata": "text"},
		} {
			t.Run("refuses "+name, func(t *testing.T) {
				expectError(t, tn.do("PUT", "/api/customers/"+adaID, body), http.StatusBadRequest, name)
			})
		}
	})

	t.Run("include orders and chats", func(t *testing.T) {
		mug := tn.product(t, "Mug", "3.00", "USD", nil)
		order := tn.order(t, bobID, "USD", obj{"productId": id(mug, "productId"), "quantity": 2})
		chat := tn.chat(t, bobID, nil)
		var got struct {
			Orders []obj `json:"orders"`
			Chats  []obj `json:"chats"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/customers/"+bobID+"?include=orders,chats", nil, &got)
		if len(got.Orders) != 1 || got.Orders[0]["orderId"] != order["orderId"] || len(got.Chats) != 1 || got.Chats[0]["chatId"] != chat["chatId"] {
			t.Fatalf("embedded %+v", got)
		}
		var plain obj
		tn.must(t, http.StatusOK, "GET", "/api/customers/"+bobID, nil, &plain)
		if _, ok := plain["orders"]; ok {
			t.Fatalf("orders embedded without include: %v", plain)
		}
		var p struct {
			Data []struct {
				CustomerID string `json:"customerId"`
				Orders     []obj  `json:"orders"`
			} `json:"data"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/customers?include=orders", nil, &p)
		for _, c := range p.Data {
			if c.Orders == nil || (c.CustomerID == bobID) != (len(c.Orders) == 1) {
				t.Fatalf("list with include=orders: %+v", p.Data)
			}
		}
		expectError(t, tn.do("GET", "/api/customers/"+bobID+"?include=items", nil), http.StatusBadRequest, "include")

		t.Run("delete refuses a customer with orders and chats", func(t *testing.T) {
			env := expectError(t, tn.do("DELETE", "/api/customers/"+bobID, nil), http.StatusConflict)
			if !strings.Contains(env.Error.Message, "1 order and 1 chat") {
				t.Fatalf("conflict message %q", env.Error.Message)
			}
		})
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/customers/"+unknownID, obj{"fullName": "x"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/customers/123", obj{"fullName": "x"}), http.StatusBadRequest, "customerId")
		}
	})

	t.Run("delete", func(t *testing.T) {
		tn.must(t, http.StatusNoContent, "DELETE", "/api/customers/"+cydID, nil, nil)
		expectError(t, tn.do("GET", "/api/customers/"+cydID, nil), http.StatusNotFound)
		expectError(t, tn.do("DELETE", "/api/customers/"+cydID, nil), http.StatusNotFound)
	})
}
