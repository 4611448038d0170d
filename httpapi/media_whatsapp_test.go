package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestWhatsAppChatRefusesFilesForNow: until the WhatsApp session sends files, a media send on a WhatsApp
// chat is a 400 naming mediaId, and nothing (not even the caption) reaches WhatsApp.
func TestWhatsAppChatRefusesFilesForNow(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token,
		map[string]any{"to": "+15557654321", "content": "Hello"}, &sent)
	waitMessageStatus(t, e, acct.Token, sent.Message.ChatID, sent.Message.MessageID, "SENT")
	before := len(fake.Sent())

	obj := upload(t, e, acct.Token, "a.png", "image/png", pngOf(100))
	r := e.Do("POST", "/api/conversations/"+sent.Message.ChatID+"/send", acct.Token,
		map[string]any{"contentType": "IMAGE", "mediaId": obj.MediaID, "content": "caption"})
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "mediaId") {
		t.Fatalf("media send on WhatsApp: %d %s", r.Status, r.Body)
	}
	if n := len(fake.Sent()); n != before {
		t.Fatalf("%d sends reached WhatsApp after the refused file", n-before)
	}
}
