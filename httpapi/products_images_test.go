package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// A product image can live in the media store: imageMediaId names an uploaded picture and the product shows
// its signed link as imageUrl, fetchable without a token (a storefront's <img src>).
func TestProductImagesFromTheMediaStore(t *testing.T) {
	e := testkit.StartDefault(t)
	a, b := e.SignUp(), e.SignUp()
	picture := pngOf(2000)
	img := upload(t, e, a.Token, "mug.png", "image/png", picture)
	pdf := upload(t, e, a.Token, "sheet.pdf", "", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"))
	other := upload(t, e, b.Token, "theirs.png", "image/png", pngOf(100))

	var p struct {
		ProductID    string  `json:"productId"`
		ImageURL     *string `json:"imageUrl"`
		ImageID      *string `json:"imageId"`
		ImageMediaID *string `json:"imageMediaId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/products", a.Token,
		map[string]any{"name": "Mug", "price": "12", "currency": "USD", "imageMediaId": img.MediaID, "imageId": "legacy-7"}, &p)
	if p.ImageMediaID == nil || *p.ImageMediaID != img.MediaID || p.ImageURL == nil || !strings.Contains(*p.ImageURL, "signature=") ||
		p.ImageID == nil || *p.ImageID != "legacy-7" {
		t.Fatalf("created %+v", p)
	}
	if body := e.Must(http.StatusOK, "GET", *p.ImageURL, "", nil, nil).Body; !bytes.Equal(body, picture) {
		t.Fatal("the product's imageUrl serves other bytes")
	}
	var listed struct {
		Data []struct {
			ImageURL *string `json:"imageUrl"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/products", a.Token, nil, &listed)
	if len(listed.Data) != 1 || listed.Data[0].ImageURL == nil || !strings.Contains(*listed.Data[0].ImageURL, img.MediaID) {
		t.Fatalf("listed %+v", listed)
	}

	for _, bad := range []struct{ id, says string }{
		{pdf.MediaID, "not an image"},
		{other.MediaID, "does not name a file of this tenant"},
		{"01a23c17-eea0-729a-b471-293677e26325", "does not name a file of this tenant"},
		{"not-a-uuid", "imageMediaId"},
	} {
		r := e.Do("PUT", "/api/products/"+p.ProductID, a.Token, map[string]any{"imageMediaId": bad.id})
		if r.Status != http.StatusBadRequest || r.ErrorCode() != "validation_failed" || !strings.Contains(string(r.Body), bad.says) {
			t.Fatalf("imageMediaId %s: %d %s", bad.id, r.Status, r.Body)
		}
	}

	// A link of the product's own replaces the stored image; "" clears a stored image.
	e.Must(http.StatusOK, "PUT", "/api/products/"+p.ProductID, a.Token, map[string]any{"imageUrl": "https://cdn.example.com/mug.png"}, &p)
	if p.ImageMediaID != nil || p.ImageURL == nil || *p.ImageURL != "https://cdn.example.com/mug.png" {
		t.Fatalf("after a link of its own: %+v", p)
	}
	e.Must(http.StatusOK, "PUT", "/api/products/"+p.ProductID, a.Token, map[string]any{"imageMediaId": img.MediaID}, &p)
	e.Must(http.StatusOK, "PUT", "/api/products/"+p.ProductID, a.Token, map[string]any{"imageMediaId": ""}, &p)
	if p.ImageMediaID != nil || p.ImageURL == nil || *p.ImageURL != "https://cdn.example.com/mug.png" {
		t.Fatalf("after clearing the stored image: %+v", p)
	}
}
