package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

// TestWhatsAppQRDialog: Connect opens the QR dialog, which follows the qr events of the scripted WhatsApp
// fake and closes when the phone has scanned.
func TestWhatsAppQRDialog(t *testing.T) {
	p, e, fake := signedUpWithWhatsAppFake(t)
	p.Nav("Channels")
	card := p.FindName("region", "WhatsApp")
	p.Eventually("the status DISCONNECTED", func() bool { return strings.Contains(p.Text(card), "Status: DISCONNECTED") })
	p.Axe("channels")
	p.Click(p.FindName("button", "Connect", card))

	dialog := p.FindName("dialog", "Link your WhatsApp")
	first := p.qrSource(dialog)
	p.Axe("QR dialog")
	p.Screenshot("whatsapp-qr")

	st := e.WaitWhatsAppStatus(p.Token(), "WAITING_QR", waitTimeout)
	channelID := uuid.MustParse(*st.ChannelID)
	if err := fake.Emit(channelID, sessions.WAQRCode{Code: "2@next-code", ExpiresAt: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	p.Eventually("the dialog to show the new code", func() bool { return p.qrSource(dialog) != first })

	// Pairing by phone code instead of scanning.
	p.Fill(p.FindName("textbox", "Phone number (country code first)", dialog), "+49 151 12345678")
	p.Click(p.FindName("button", "Get a pairing code", dialog))
	p.Shows("status", "FAKE-CODE", dialog)
	need(t, len(fake.PairPhones()) == 1, "pairing phones: %v", fake.PairPhones())

	if err := fake.Pair(channelID, "4915112345678@s.whatsapp.net"); err != nil {
		t.Fatal(err)
	}
	p.Eventually("the dialog to close once connected", func() bool { return !p.Has("dialog", Exact("Link your WhatsApp")) })
	p.Eventually("the status CONNECTED", func() bool { return strings.Contains(p.Text(card), "Status: CONNECTED") })

	// A WhatsApp customer writes; typing an answer tells WhatsApp that the team is typing.
	customer := "15551234567@s.whatsapp.net"
	if _, err := fake.Deliver(channelID, sessions.WAMessage{ID: "wa-1", Chat: customer, Sender: customer, PushName: "Ada",
		Timestamp: time.Now().UTC(), ContentType: "TEXT", Text: "Hello over WhatsApp"}); err != nil {
		t.Fatal(err)
	}
	p.Nav("Inbox")
	p.Click(p.Conversation("Ada"))
	p.WaitMessages("Hello over WhatsApp")
	p.Type(p.FindName("textbox", "Message"), "Typing an answer")
	p.Eventually("the typing event to reach WhatsApp", func() bool {
		for _, ty := range fake.Typing() {
			if ty.Chat == customer && ty.On {
				return true
			}
		}
		return false
	})
}

// qrSource waits for the dialog's QR image and returns its (blob) address.
func (p *Page) qrSource(dialog Node) string {
	p.t.Helper()
	var src string
	p.Eventually("a QR code image", func() bool {
		imgs := p.All("image", dialog)
		for _, img := range imgs {
			if img.Name == "WhatsApp QR code" {
				_ = p.Call(img, `function(){ return this.complete && this.naturalWidth > 0 ? this.src : ""; }`, &src)
				return src != ""
			}
		}
		return false
	})
	return src
}

// TestAPIChannelAndSendAsCustomer: create an API channel (its secret shown once), play its customer in
// development, and see the message in the inbox.
func TestAPIChannelAndSendAsCustomer(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	hook := testkit.NewWebhookReceiver(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	p.Nav("Channels")
	p.Fill(p.FindName("textbox", "Channel name"), "Website chat")
	p.Fill(p.FindName("textbox", "Webhook URL"), hook.URL+"/hook")
	p.Click(p.FindName("button", "Create channel"))
	dialog := p.FindName("dialog", "Channel created")
	var secret string
	if err := p.Call(p.FindName("textbox", "Webhook secret", dialog), `function(){ return this.value; }`, &secret); err != nil {
		t.Fatal(err)
	}
	need(t, len(secret) >= 32, "the secret shown once: %q", secret)
	p.Axe("channel created")
	p.Click(p.FindName("button", "Close", dialog))

	var chans struct {
		Data []struct {
			WebhookSecret *string `json:"webhookSecret"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/channels", p.Token(), nil, &chans)
	need(t, len(chans.Data) == 1 && (chans.Data[0].WebhookSecret == nil || *chans.Data[0].WebhookSecret != secret), "the secret is shown again: %+v", chans.Data)

	play := p.FindName("form", "Play the customer")
	p.Fill(p.FindName("textbox", "Customer name", play), "Dana")
	p.Fill(p.FindName("textbox", "Customer message", play), "Hi! Is the blue one in stock?")
	p.Click(p.FindName("button", "Send as customer", play))
	p.Shows("status", "Sent.", play)
	p.Screenshot("channels")

	p.Nav("Inbox")
	p.Click(p.Conversation("Dana"))
	p.WaitMessages("Hi! Is the blue one in stock?")
	p.Reply("Yes, it ships today.")
	p.Eventually("the reply to become Sent", func() bool { return strings.Contains(p.MessageItem("Yes, it ships today."), "Sent") })

	// A send the webhook keeps refusing ends Failed with the reason; Retry sends it again.
	hook.SetDown(true)
	p.Reply("This one fails first")
	p.Eventually("the reply to fail", func() bool { return strings.Contains(p.MessageItem("This one fails first"), "Failed") })
	p.Axe("chat with a failed message")
	hook.SetDown(false)
	p.Click(p.FindName("button", "Retry", p.FindName("list", "Messages")))
	p.Eventually("the retry to be Sent", func() bool {
		return strings.Count(p.Messages(), "This one fails first") == 2 && strings.HasSuffix(strings.TrimSpace(p.Messages()), "Sent")
	})
}
