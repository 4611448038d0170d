package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestMediaFollowsConversationVisibility: under "only mine", an agent gets 404 for a file that only a
// colleague's conversation carries (download, range and send alike), while the assignee, owners, signed
// URLs and files not sent yet are unaffected; unassigning the conversation shows the file again.
func TestMediaFollowsConversationVisibility(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)
	mine, _ := ch.Inbound("mv1", "cust-a", "photo please")
	open, _ := ch.Inbound("mv2", "cust-o", "hello")
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+mine.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)

	sentFile := upload(t, e, agentA.Token, "a.png", "image/png", pngOf(500))
	// Not sent yet: the tenant's, like any upload.
	if r := e.Do("GET", "/api/media/"+sentFile.MediaID, agentB.Token, nil); r.Status != http.StatusOK {
		t.Fatalf("B reading an upload not sent yet: %d %s", r.Status, r.Body)
	}
	var sent struct {
		Message struct {
			Media *mediaObject `json:"media"`
		} `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+mine.ChatID+"/send", agentA.Token,
		map[string]any{"contentType": "IMAGE", "mediaId": sentFile.MediaID}, &sent)

	path := "/api/media/" + sentFile.MediaID
	for _, who := range []testkit.Account{agentA, owner} {
		if r := e.Do("GET", path, who.Token, nil); r.Status != http.StatusOK || len(r.Body) != 500+33 {
			t.Fatalf("%s reading the file of a conversation they see: %d (%d bytes)", who.Email, r.Status, len(r.Body))
		}
	}
	if r := e.Do("GET", path, agentB.Token, nil); r.Status != http.StatusNotFound || r.ErrorCode() == "" {
		t.Fatalf("B reading A's conversation's file: %d %s, want 404", r.Status, r.Body)
	}
	if r := e.Do("GET", path, agentB.Token, nil, "Range: bytes=0-9"); r.Status != http.StatusNotFound {
		t.Fatalf("B reading a range of it: %d, want 404", r.Status)
	}
	if r := e.Do("POST", "/api/conversations/"+open.ChatID+"/send", agentB.Token,
		map[string]any{"contentType": "IMAGE", "mediaId": sentFile.MediaID}); r.Status != http.StatusBadRequest {
		t.Fatalf("B sending A's conversation's file elsewhere: %d %s, want 400", r.Status, r.Body)
	}
	// Nor publish it as a product's picture (the product's imageUrl would sign it for anyone).
	if r := e.Do("POST", "/api/products", agentB.Token, map[string]any{"name": "Mug", "price": "1", "currency": "USD",
		"imageMediaId": sentFile.MediaID}); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "imageMediaId") {
		t.Fatalf("B using A's conversation's file as a product image: %d %s, want 400", r.Status, r.Body)
	}
	e.Must(http.StatusCreated, "POST", "/api/products", agentA.Token, map[string]any{"name": "Mug", "price": "1", "currency": "USD",
		"imageMediaId": sentFile.MediaID}, nil)
	// The signed URL carries no user: it works until it expires.
	if r := e.Do("GET", sent.Message.Media.URL, "", nil); r.Status != http.StatusOK {
		t.Fatalf("signed URL: %d %s", r.Status, r.Body)
	}
	// B's own upload, sent in an unassigned conversation, stays B's to read; A sees it too (unassigned).
	bFile := upload(t, e, agentB.Token, "b.png", "image/png", pngOf(10))
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+open.ChatID+"/send", agentB.Token,
		map[string]any{"contentType": "IMAGE", "mediaId": bFile.MediaID}, nil)
	for _, who := range []testkit.Account{agentA, agentB} {
		if r := e.Do("GET", "/api/media/"+bFile.MediaID, who.Token, nil); r.Status != http.StatusOK {
			t.Fatalf("%s reading the unassigned conversation's file: %d", who.Email, r.Status)
		}
	}
	// Unassigned again, the file is B's to see as well.
	e.Must(http.StatusOK, "POST", "/api/conversations/"+mine.ChatID+"/assign", owner.Token, map[string]any{"userId": nil}, nil)
	if r := e.Do("GET", path, agentB.Token, nil); r.Status != http.StatusOK {
		t.Fatalf("B after unassigning: %d", r.Status)
	}
}
