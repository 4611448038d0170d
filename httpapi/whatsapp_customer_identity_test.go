package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

type identityCustomer struct {
	CustomerID   string     `json:"customerId"`
	FullName     *string    `json:"fullName"`
	AvatarURL    *string    `json:"avatarUrl"`
	NameEditedAt *time.Time `json:"nameEditedAt"`
}

func customerByPhone(t *testing.T, e *testkit.Engine, token, phone string) identityCustomer {
	t.Helper()
	var page struct {
		Data []identityCustomer `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/customers?phone="+phone, token, nil, &page)
	if len(page.Data) != 1 {
		t.Fatalf("%d customers with phone %s", len(page.Data), phone)
	}
	return page.Data[0]
}

func nameOf(c identityCustomer) string {
	if c.FullName == nil {
		return ""
	}
	return *c.FullName
}

// TestWhatsAppCustomerIdentity: a customer's profile picture is fetched into the media store on their first
// message and becomes their avatarUrl (and the conversation's contactAvatarUrl), not again on every message;
// push-name changes rename the customer until the team edits the name, which they then never replace.
func TestWhatsAppCustomerIdentity(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	picture := pngOf(3000)
	fake.SetProfilePicture(ada, "pic-1", picture)

	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "hello")) || !deliver(t, fake, channelID, waText("WA-0", grace, "Grace", "hi")) {
		t.Fatal("not acknowledged")
	}
	var c identityCustomer
	testkit.Eventually(t, 5*time.Second, "Ada's avatar", func() bool {
		c = customerByPhone(t, e, acct.Token, "15551234567")
		return c.AvatarURL != nil
	})
	if got := e.Must(http.StatusOK, "GET", *c.AvatarURL, "", nil, nil); !bytes.Equal(got.Body, picture) {
		t.Fatal("avatarUrl serves other bytes than the profile picture")
	}
	if conv := conversationsByNumber(t, e, acct.Token)["+15551234567"]; conv.ContactAvatarURL == nil || *conv.ContactAvatarURL != *c.AvatarURL {
		t.Fatalf("conversation's contactAvatarUrl %v", conv.ContactAvatarURL)
	}
	testkit.Eventually(t, 5*time.Second, "Grace's picture looked at", func() bool { return fake.PictureFetches(grace) == 1 })
	if g := customerByPhone(t, e, acct.Token, "447700900123"); g.AvatarURL != nil {
		t.Fatalf("Grace has no picture but avatarUrl %v", *g.AvatarURL)
	}

	// A push-name change renames the customer.
	if err := fake.Emit(channelID, sessions.WAPushName{JID: ada, Name: "Ada Lovelace"}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, "push name applied", func() bool {
		return nameOf(customerByPhone(t, e, acct.Token, "15551234567")) == "Ada Lovelace"
	})

	// The team edits the name: later push names leave it.
	var edited identityCustomer
	e.Must(http.StatusOK, "PUT", "/api/customers/"+c.CustomerID, acct.Token, map[string]any{"fullName": "Ada (VIP)"}, &edited)
	if edited.NameEditedAt == nil {
		t.Fatalf("nameEditedAt not set by the team's edit: %+v", edited)
	}
	// One chunk's push names are applied in order: once Grace's is, Ada's was considered.
	if ok, err := fake.History(channelID, sessions.WAHistory{SyncType: "PUSH_NAME", Progress: -1,
		PushNames: []sessions.WAPushName{{JID: ada, Name: "Ada L."}, {JID: grace, Name: "Grace Hopper"}}}); err != nil || !ok {
		t.Fatalf("push names: %v", err)
	}
	testkit.Eventually(t, 5*time.Second, "Grace's push name", func() bool {
		return nameOf(customerByPhone(t, e, acct.Token, "447700900123")) == "Grace Hopper"
	})
	if n := nameOf(customerByPhone(t, e, acct.Token, "15551234567")); n != "Ada (VIP)" {
		t.Fatalf("a push name replaced the team's name: %q", n)
	}

	// More messages do not look at the picture again (once a day at most). Their events show the conversation
	// with the picture, fetched after the conversation's actor had read the chat for the first message.
	ws := e.DialWS(acct.Token)
	if !deliver(t, fake, channelID, waText("WA-2", ada, "Ada L.", "again")) || !deliver(t, fake, channelID, waText("WA-3", ada, "Ada L.", "and again")) {
		t.Fatal("not acknowledged")
	}
	for _, f := range ws.WaitFrames("conversation_updated", 2, 5*time.Second) {
		var conv struct {
			ContactAvatarURL *string `json:"contactAvatarUrl"`
		}
		if err := json.Unmarshal(f.Data, &conv); err != nil || conv.ContactAvatarURL == nil {
			t.Fatalf("conversation_updated without the customer's picture: %s", f.Data)
		}
	}
	if n := fake.PictureFetches(ada); n != 1 {
		t.Fatalf("Ada's picture looked at %d times, want once", n)
	}
}
