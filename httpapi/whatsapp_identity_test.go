package httpapi_test

import (
	"net/http"
	"testing"
)

// TestWhatsAppLIDAndPhoneNumberAreOneCustomer: a customer first met by LID (WhatsApp's private address)
// and later writing with their phone number becomes one customer: the LID customer is merged into the
// phone number's, keeping every chat and order; with no phone-number customer yet, it is renamed.
func TestWhatsAppLIDAndPhoneNumberAreOneCustomer(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	const adaLID, graceLID = "98765432109876@lid", "55555555555555@lid"
	type customer struct {
		CustomerID         string  `json:"customerId"`
		PlatformCustomerID string  `json:"platformCustomerId"`
		FullName           *string `json:"fullName"`
		Phone              *string `json:"phone"`
	}
	customers := func() map[string]customer {
		var page struct {
			Data []customer `json:"data"`
		}
		e.Must(http.StatusOK, "GET", "/api/customers?limit=200", acct.Token, nil, &page)
		out := map[string]customer{}
		for _, c := range page.Data {
			out[c.PlatformCustomerID] = c
		}
		return out
	}

	// Ada writes from her LID alone, then (later) with her phone number: two customers so far.
	if !deliver(t, fake, channelID, waText("L-1", adaLID, "Ada", "hi from a LID")) || !deliver(t, fake, channelID, waText("P-1", ada, "Ada", "hi")) {
		t.Fatal("not acknowledged")
	}
	before := customers()
	lidCustomer, pnCustomer := before[adaLID], before[ada]
	if lidCustomer.CustomerID == "" || pnCustomer.CustomerID == "" {
		t.Fatalf("customers before the mapping is known: %+v", before)
	}
	var product struct {
		ProductID string `json:"productId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/products", acct.Token, map[string]any{"name": "Mug", "price": "5", "currency": "USD"}, &product)
	var order struct {
		OrderID string `json:"orderId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/orders", acct.Token, map[string]any{"customerId": lidCustomer.CustomerID, "currency": "USD",
		"items": []any{map[string]any{"productId": product.ProductID, "quantity": 1}}}, &order)

	// Now WhatsApp tells both addresses at once: the LID customer merges into the phone number's.
	both := waText("P-2", ada, "Ada", "still me")
	both.LID = adaLID
	if !deliver(t, fake, channelID, both) {
		t.Fatal("not acknowledged")
	}
	after := customers()
	if _, still := after[adaLID]; still || after[ada].CustomerID != pnCustomer.CustomerID {
		t.Fatalf("after the merge: %+v", after)
	}
	var chats struct {
		Data []struct {
			ChatID string `json:"chatId"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/chats?customerId="+pnCustomer.CustomerID, acct.Token, nil, &chats)
	if len(chats.Data) != 2 {
		t.Fatalf("the merged customer has %d chats, want both", len(chats.Data))
	}
	var o struct {
		CustomerID string `json:"customerId"`
	}
	e.Must(http.StatusOK, "GET", "/api/orders/"+order.OrderID, acct.Token, nil, &o)
	if o.CustomerID != pnCustomer.CustomerID {
		t.Fatalf("the order stayed with customer %s", o.CustomerID)
	}
	if r := e.Do("GET", "/api/customers/"+lidCustomer.CustomerID, acct.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("merged-away customer: %d", r.Status)
	}

	// Grace is known only by her LID; when her phone number turns up, her customer and chat are renamed.
	if !deliver(t, fake, channelID, waText("G-1", graceLID, "Grace", "hello")) {
		t.Fatal("not acknowledged")
	}
	graceCustomer := customers()[graceLID]
	g := waText("G-2", grace, "Grace", "it's me")
	g.LID = graceLID
	if !deliver(t, fake, channelID, g) {
		t.Fatal("not acknowledged")
	}
	renamed := customers()[grace]
	if renamed.CustomerID != graceCustomer.CustomerID || renamed.Phone == nil || *renamed.Phone != "+447700900123" {
		t.Fatalf("renamed customer %+v (was %+v)", renamed, graceCustomer)
	}
	conv, ok := conversationsByNumber(t, e, acct.Token)["+447700900123"]
	if !ok {
		t.Fatal("no conversation under Grace's number")
	}
	if msgs, _ := messages(t, e, acct.Token, conv.ChatID, ""); len(msgs) != 2 {
		t.Fatalf("Grace's renamed chat has %d messages, want both", len(msgs))
	}
}
