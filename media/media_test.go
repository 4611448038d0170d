package media_test

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
)

// pngHeader is the start of a real PNG file: signature and IHDR chunk.
var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func TestSniffChecksBytesNotNames(t *testing.T) {
	p := media.Policy{Allowed: media.DefaultAllowedTypes}
	png := append(append([]byte{}, pngHeader...), bytes.Repeat([]byte{7}, 5000)...)
	for _, declared := range []string{"", "application/octet-stream", "image/png", "IMAGE/PNG; charset=binary"} {
		typ, r, err := p.Sniff(bytes.NewReader(png), declared)
		if err != nil || typ != "image/png" {
			t.Fatalf("declared %q: %q, %v", declared, typ, err)
		}
		if all, _ := io.ReadAll(r); !bytes.Equal(all, png) {
			t.Fatalf("declared %q: the reader lost bytes (%d of %d)", declared, len(all), len(png))
		}
	}
	unsupported := func(err error) bool {
		de := domain.AsError(err)
		return de != nil && de.Code == domain.CodeUnsupportedType
	}
	if _, _, err := p.Sniff(bytes.NewReader(png), "image/jpeg"); !unsupported(err) {
		t.Fatalf("a PNG declared as JPEG: %v", err)
	}
	if _, _, err := p.Sniff(strings.NewReader("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""); !unsupported(err) {
		t.Fatalf("HTML was accepted: %v", err)
	}
	if _, _, err := p.Sniff(strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), "image/svg+xml"); !unsupported(err) {
		t.Fatalf("SVG was accepted: %v", err)
	}
	if typ, _, err := p.Sniff(strings.NewReader("just some words\n"), "text/plain"); err != nil || !strings.HasPrefix(typ, "text/plain") {
		t.Fatalf("text: %q, %v", typ, err)
	}
	if _, _, err := p.Sniff(strings.NewReader(""), ""); !errors.Is(err, domain.ErrValidation) {
		t.Fatalf("empty file: %v", err)
	}
	wild := media.Policy{Allowed: []string{"image/*"}}
	if _, _, err := wild.Sniff(bytes.NewReader(png), ""); err != nil {
		t.Fatalf("image/* refused a PNG: %v", err)
	}
	if _, _, err := wild.Sniff(strings.NewReader("%PDF-1.4\n"), ""); !unsupported(err) {
		t.Fatalf("image/* accepted a PDF: %v", err)
	}
}

func TestLimitReader(t *testing.T) {
	if b, err := io.ReadAll(media.LimitReader(strings.NewReader("12345"), 5)); err != nil || string(b) != "12345" {
		t.Fatalf("at the limit: %q, %v", b, err)
	}
	if _, err := io.ReadAll(media.LimitReader(strings.NewReader("123456"), 5)); !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestSignedURLs(t *testing.T) {
	s := media.NewSigner(strings.Repeat("k", 32), time.Hour, "https://inbox.example.com/")
	tenant, id := uuid.New(), uuid.New()
	now := time.Date(2026, 1, 2, 10, 20, 0, 0, time.UTC)
	raw := s.URL(tenant, id, now)
	if raw != s.URL(tenant, id, now.Add(30*time.Minute)) {
		t.Fatal("the URL changed within the hour: it would defeat caches")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host != "inbox.example.com" || u.Path != "/api/media/"+id.String() {
		t.Fatalf("url %q", raw)
	}
	q := u.Query()
	check := func(mediaID uuid.UUID, tenantParam, sig string, at time.Time) bool {
		got, ok := s.Verify(mediaID, tenantParam, q.Get(media.ParamExpires), sig, at)
		return ok && got == tenant
	}
	sig := q.Get(media.ParamSignature)
	if !check(id, tenant.String(), sig, now) {
		t.Fatal("a fresh URL does not verify")
	}
	if check(id, tenant.String(), sig, now.Add(3*time.Hour)) {
		t.Fatal("an expired URL verifies")
	}
	if check(uuid.New(), tenant.String(), sig, now) || check(id, uuid.New().String(), sig, now) {
		t.Fatal("a URL verifies for another file or tenant")
	}
	if check(id, tenant.String(), sig[:len(sig)-1]+"A", now) && !strings.HasSuffix(sig, "A") {
		t.Fatal("a changed signature verifies")
	}
	other := media.NewSigner(strings.Repeat("x", 32), time.Hour, "")
	if _, ok := other.Verify(id, tenant.String(), q.Get(media.ParamExpires), sig, now); ok {
		t.Fatal("another key verifies the URL")
	}
	if rel := other.URL(tenant, id, now); !strings.HasPrefix(rel, "/api/media/") {
		t.Fatalf("relative URL %q", rel)
	}
}
