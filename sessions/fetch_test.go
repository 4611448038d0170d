package sessions

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestFetcherGuard: a fetcher that refuses private targets refuses them before dialling (literal
// addresses, localhost) and again at the dial, on the resolved address (what a name or a redirect to an
// internal address would reach); one that allows them fetches from loopback.
func TestFetcherGuard(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://127.0.0.1:1/inside", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	addr := "http://" + ln.Addr().String()

	guarded := NewFetcher(2*time.Second, false)
	for _, u := range []string{addr + "/", "http://localhost:1/", "http://[::1]:1/", "http://0.0.0.0:1/"} {
		if _, err := guarded.Fetch(context.Background(), u, 0); !errors.Is(err, ErrPrivateTarget) {
			t.Errorf("%s: %v", u, err)
		}
	}
	// Past the URL check, the dial itself refuses the loopback address.
	res, err := guarded.client.Get(addr + "/")
	if err == nil {
		res.Body.Close()
	}
	if !errors.Is(err, ErrPrivateTarget) {
		t.Fatalf("the dial reached loopback: %v", err)
	}
	if FetchError(err) != "points at a private or reserved address" {
		t.Fatalf("category %q", FetchError(err))
	}

	open := NewFetcher(2*time.Second, true)
	body, err := open.Fetch(context.Background(), addr+"/", 10)
	if err != nil {
		t.Fatal(err)
	}
	body.Close()
	if _, err := open.Fetch(context.Background(), "file:///etc/passwd", 10); err == nil {
		t.Fatal("a file URL was fetched")
	}
	var status *StatusError
	if _, err := open.Fetch(context.Background(), addr+"/redirect", 10); err == nil || errors.As(err, &status) && status.Code == 302 {
		t.Fatalf("redirect to a closed port: %v", err)
	}
}
