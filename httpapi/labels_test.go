package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type label struct {
	LabelID string `json:"labelId"`
	Name    string `json:"name"`
	Color   string `json:"color"`
}

func TestLabelsOnConversationsAndCustomers(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agent := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	vip, _ := ch.Inbound("l1", "cust-vip", "I am important")
	plain, _ := ch.Inbound("l2", "cust-plain", "hello")

	// Owners and admins manage labels; agents read them.
	var vipLabel, refund label
	e.Must(http.StatusCreated, "POST", "/api/labels", owner.Token, map[string]any{"name": "VIP", "color": "#d4a017"}, &vipLabel)
	e.Must(http.StatusCreated, "POST", "/api/labels", owner.Token, map[string]any{"name": "refund", "color": "#c00"}, &refund)
	if r := e.Do("POST", "/api/labels", agent.Token, map[string]any{"name": "x", "color": "#000"}); r.Status != http.StatusForbidden {
		t.Fatalf("agent creating a label: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/labels", owner.Token, map[string]any{"name": "vip", "color": "#000"}); r.Status != http.StatusConflict {
		t.Fatalf("duplicate name in another case: %d %s", r.Status, r.Body)
	}
	for _, bad := range []map[string]any{{"name": "a", "color": "red"}, {"name": "  ", "color": "#000"}, {"color": "#000"}, {"name": "a"}} {
		if r := e.Do("POST", "/api/labels", owner.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("label %v: %d %s", bad, r.Status, r.Body)
		}
	}
	var list struct {
		Data []label `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/labels", agent.Token, nil, &list)
	if len(list.Data) != 2 || list.Data[0].Name != "refund" || list.Data[1].Name != "VIP" {
		t.Fatalf("labels = %+v", list.Data)
	}

	// On a conversation: the inbox shows them, hears of them and filters by id or by name.
	ws := e.DialWS(agent.Token)
	var conv struct {
		Labels []label `json:"labels"`
	}
	e.Must(http.StatusOK, "PUT", "/api/conversations/"+vip.ChatID+"/labels", agent.Token,
		map[string]any{"labelIds": []string{vipLabel.LabelID, refund.LabelID, vipLabel.LabelID}}, &conv)
	if len(conv.Labels) != 2 || conv.Labels[1].Name != "VIP" || conv.Labels[1].Color != "#d4a017" {
		t.Fatalf("labels on the conversation = %+v", conv.Labels)
	}
	testkit.Eventually(t, 5*time.Second, "conversation_updated with the labels", func() bool {
		return len(framesAbout(ws, vipLabel.LabelID)) > 0
	})
	for _, q := range []string{"?label=" + vipLabel.LabelID, "?label=vip", "?label=VIP&status=OPEN"} {
		if ids := inboxIDs(t, e, agent.Token, q); !slices.Equal(ids, []string{vip.ChatID}) {
			t.Fatalf("inbox%s = %v", q, ids)
		}
	}
	if ids := inboxIDs(t, e, agent.Token, ""); len(ids) != 2 {
		t.Fatalf("unfiltered inbox = %v", ids)
	}
	if r := e.Do("GET", "/api/conversations?label=nosuch", agent.Token, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown label name: %d %s", r.Status, r.Body)
	}
	stranger := e.SignUp()
	var theirs label
	e.Must(http.StatusCreated, "POST", "/api/labels", stranger.Token, map[string]any{"name": "VIP", "color": "#000"}, &theirs)
	if r := e.Do("PUT", "/api/conversations/"+plain.ChatID+"/labels", agent.Token, map[string]any{"labelIds": []string{theirs.LabelID}}); r.Status != http.StatusBadRequest {
		t.Fatalf("another tenant's label: %d %s", r.Status, r.Body)
	}
	if r := e.Do("PUT", "/api/conversations/"+plain.ChatID+"/labels", stranger.Token, map[string]any{"labelIds": []string{theirs.LabelID}}); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant's conversation: %d %s", r.Status, r.Body)
	}
	if r := e.Do("PUT", "/api/conversations/"+plain.ChatID+"/labels", agent.Token, map[string]any{}); r.Status != http.StatusBadRequest {
		t.Fatalf("no labelIds: %d %s", r.Status, r.Body)
	}

	// On a customer.
	var customers struct {
		Data []struct {
			CustomerID         string  `json:"customerId"`
			PlatformCustomerID string  `json:"platformCustomerId"`
			Labels             []label `json:"labels"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/customers", agent.Token, nil, &customers)
	var vipCustomer string
	for _, c := range customers.Data {
		if c.PlatformCustomerID == "cust-vip" {
			vipCustomer = c.CustomerID
		}
	}
	e.Must(http.StatusOK, "PUT", "/api/customers/"+vipCustomer+"/labels", agent.Token, map[string]any{"labelIds": []string{vipLabel.LabelID}}, nil)
	e.Must(http.StatusOK, "GET", "/api/customers?label=VIP", agent.Token, nil, &customers)
	if len(customers.Data) != 1 || customers.Data[0].CustomerID != vipCustomer || len(customers.Data[0].Labels) != 1 {
		t.Fatalf("customers?label=VIP = %+v", customers.Data)
	}

	// Renaming shows everywhere; deleting takes the label off everything.
	e.Must(http.StatusOK, "PUT", "/api/labels/"+vipLabel.LabelID, owner.Token, map[string]any{"name": "Gold"}, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations/"+vip.ChatID, agent.Token, nil, &conv)
	if len(conv.Labels) != 2 || conv.Labels[0].Name != "Gold" {
		t.Fatalf("after rename: %+v", conv.Labels)
	}
	if r := e.Do("DELETE", "/api/labels/"+vipLabel.LabelID, agent.Token, nil); r.Status != http.StatusForbidden {
		t.Fatalf("agent deleting a label: %d", r.Status)
	}
	e.Must(http.StatusNoContent, "DELETE", "/api/labels/"+vipLabel.LabelID, owner.Token, nil, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations/"+vip.ChatID, agent.Token, nil, &conv)
	if len(conv.Labels) != 1 || conv.Labels[0].Name != "refund" {
		t.Fatalf("after delete: %+v", conv.Labels)
	}
	e.Must(http.StatusOK, "PUT", "/api/conversations/"+vip.ChatID+"/labels", agent.Token, map[string]any{"labelIds": []string{}}, &conv)
	if len(conv.Labels) != 0 {
		t.Fatalf("after clearing: %+v", conv.Labels)
	}
}
