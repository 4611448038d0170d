package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"

	"github.com/aezen/engine/internal/testkit"
)

// TestMediaMessages: a customer's picture, voice message and PDF show inline from their signed links (the
// picture loads, the audio has controls, the PDF is a download link with name and size); the attach button
// uploads a file and sends it as a picture with the typed caption.
func TestMediaMessages(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	inbound := func(id, mime, name, caption string, data []byte) {
		t.Helper()
		r := ch.Post("inbound", map[string]any{"platformMessageId": id, "from": map[string]any{"platformCustomerId": "dana", "fullName": "Customer dana"},
			"content": caption, "media": map[string]any{"data": base64.StdEncoding.EncodeToString(data), "mimeType": mime, "fileName": name}})
		need(t, r.Status == http.StatusAccepted, "inbound %s: %d %s", name, r.Status, r.Body)
	}
	inbound("m-1", "image/png", "parcel.png", "The box arrived like this", pngBytes(t, 64, 48))
	inbound("m-2", "audio/wav", "voice.wav", "", wavBytes())
	inbound("m-3", "application/pdf", "invoice.pdf", "", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))

	p.Click(p.Conversation("Customer dana"))
	history := p.FindName("list", "Messages")
	img := p.FindName("image", "Image: The box arrived like this", history)
	p.Eventually("the picture to load from its signed link", func() bool {
		var w int
		_ = p.Call(img, `function(){ return this.complete ? this.naturalWidth : 0; }`, &w)
		return w == 64
	})
	p.Eventually("the voice message to have a player", func() bool {
		var ok bool
		p.Eval(`!!document.querySelector('audio[controls][aria-label="Audio: voice.wav"]')`, &ok)
		return ok
	})
	file := p.Find("link", Prefix("invoice.pdf"), history)
	need(t, strings.Contains(file.Name, " B)"), "the file link shows no size: %q", file.Name)
	var status int
	p.Call(file, `function(){ return fetch(this.href).then(r => r.status); }`, &status)
	need(t, status == http.StatusOK, "the file's signed link answers %d", status)
	p.Axe("chat with media")
	p.Screenshot("media")

	// Attach: upload, then send with the caption typed.
	path := filepath.Join(t.TempDir(), "label.png")
	if err := os.WriteFile(path, pngBytes(t, 30, 20), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Type(p.FindName("textbox", "Message"), "Here is your return label")
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		doc, err := dom.GetDocument().Do(ctx)
		if err != nil {
			return err
		}
		id, err := dom.QuerySelector(doc.NodeID, `input[type=file][aria-label="Attach a file"]`).Do(ctx)
		if err != nil {
			return err
		}
		return dom.SetFileInputFiles([]string{path}).WithNodeID(id).Do(ctx)
	}))
	sent := p.FindName("image", "Image: Here is your return label", history)
	p.Eventually("the picture sent to be Sent", func() bool { return strings.Contains(p.MessageItem("Here is your return label"), "Sent") })
	p.Eventually("the sent picture to load", func() bool {
		var w int
		_ = p.Call(sent, `function(){ return this.complete ? this.naturalWidth : 0; }`, &w)
		return w == 30
	})
	p.Eventually("the channel's webhook to get the picture", func() bool {
		for _, d := range hook.Deliveries() {
			if strings.Contains(string(d.Body), `"mediaId"`) && strings.Contains(string(d.Body), "Here is your return label") {
				return true
			}
		}
		return false
	})
}

func pngBytes(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), 120, uint8(y * 5), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wavBytes is a tenth of a second of 8 kHz 8-bit mono silence.
func wavBytes() []byte {
	const n = 800
	var buf bytes.Buffer
	w := func(v any) { _ = binary.Write(&buf, binary.LittleEndian, v) }
	buf.WriteString("RIFF")
	w(uint32(36 + n))
	buf.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(uint32(8000))
	w(uint32(8000))
	w(uint16(1))
	w(uint16(8))
	buf.WriteString("data")
	w(uint32(n))
	buf.Write(bytes.Repeat([]byte{128}, n))
	return buf.Bytes()
}
