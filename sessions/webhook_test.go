package sessions

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestWebhookSignsAndRequires2xx(t *testing.T) {
	var gotSig, gotEvent, gotTS string
	var gotBody []byte
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotSig, gotEvent, gotTS = r.Header.Get(SignatureHeader), r.Header.Get(EventIDHeader), r.Header.Get(TimestampHeader)
		gotBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	w := NewWebhook(2*time.Second, true)
	body := []byte(`{"hello":"world"}`)
	if err := w.Post(context.Background(), srv.URL, "s3cret", "evt-1", body); err != nil {
		t.Fatal(err)
	}
	// Signed over "<timestamp>.<body>", with the timestamp in its header: a receiver can refuse replays.
	policy := SignaturePolicy{Tolerance: time.Minute}
	if VerifyCall([]string{"s3cret"}, gotBody, gotSig, gotTS, time.Now(), policy) != nil || gotEvent != "evt-1" ||
		VerifyCall([]string{"other"}, gotBody, gotSig, gotTS, time.Now(), policy) == nil || VerifySignature("s3cret", gotBody, gotSig) {
		t.Fatalf("signature %q timestamp %q event %q", gotSig, gotTS, gotEvent)
	}
	w.Untimed = true
	if err := w.Post(context.Background(), srv.URL, "s3cret", "evt-1", body); err != nil {
		t.Fatal(err)
	}
	if !VerifySignature("s3cret", gotBody, gotSig) || gotTS != "" {
		t.Fatalf("legacy signature %q timestamp %q", gotSig, gotTS)
	}
	w.Untimed = false
	status = http.StatusInternalServerError
	if err := w.Post(context.Background(), srv.URL, "s3cret", "evt-2", body); err == nil {
		t.Fatal("a 500 answer counted as delivered")
	}
}

func TestWebhookRefusesPrivateTargetsUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	strict := NewWebhook(time.Second, false)
	for _, u := range []string{srv.URL, "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest"} {
		if err := strict.CheckURL(u); !errors.Is(err, ErrPrivateTarget) {
			t.Fatalf("CheckURL(%s) = %v", u, err)
		}
	}
	for _, u := range []string{"ftp://example.com/x", "not a url", "/relative"} {
		if err := strict.CheckURL(u); err == nil {
			t.Fatalf("CheckURL(%q) accepted", u)
		}
	}
	if err := strict.CheckURL("https://hooks.example.com/aezen"); err != nil {
		t.Fatalf("public URL refused: %v", err)
	}
	// Even past CheckURL (a public name resolving to a private address), the dialer refuses.
	if err := strict.Post(context.Background(), srv.URL, "s", "e", []byte("{}")); !errors.Is(err, ErrPrivateTarget) {
		t.Fatalf("strict client reached loopback: %v", err)
	}
	if err := NewWebhook(time.Second, true).Post(context.Background(), srv.URL, "s", "e", []byte("{}")); err != nil {
		t.Fatalf("permissive client: %v", err)
	}
}

// TestWebhookStatusDecidesWhateverTheAnswerSize: the answer's body is dropped, so a receiver that says 200
// with a large body has the event (a failure here would deliver it again), and a large 500 is still a failure.
func TestWebhookStatusDecidesWhateverTheAnswerSize(t *testing.T) {
	status := http.StatusOK
	big := make([]byte, 2*maxWebhookAnswer)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write(big)
	}))
	defer srv.Close()
	w := NewWebhook(2*time.Second, true)
	if err := w.Post(context.Background(), srv.URL, "s3cret", "evt-1", []byte(`{}`)); err != nil {
		t.Fatalf("a 200 with a %d-byte answer: %v", len(big), err)
	}
	status = http.StatusInternalServerError
	if err := w.Post(context.Background(), srv.URL, "s3cret", "evt-2", []byte(`{}`)); err == nil {
		t.Fatal("a 500 with a large answer counted as delivered")
	}
}
