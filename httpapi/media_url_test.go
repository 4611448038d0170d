package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// fileServer is a loopback HTTP server for inbound media URLs; it counts the requests it got.
func fileServer(t *testing.T, h http.HandlerFunc) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h(w, r) }),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), &hits
}

// TestAPIChannelInboundMediaByURL: an integration may name its customer's file by url; the engine fetches
// it (a loopback server here: tests allow private targets, as development does), sniffs and stores it. A URL
// that answers an error, a file over AEZEN_MEDIA_MAX_BYTES (declared or streamed), and data with url are refused.
func TestAPIChannelInboundMediaByURL(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.MediaMaxBytes = 64 << 10
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:9/hook")
	ws := e.DialWS(acct.Token)
	img := pngOf(20_000)
	base, _ := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pic.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(img)
		case "/big-declared":
			w.Header().Set("Content-Length", strconv.Itoa(1<<20))
			_, _ = w.Write(pngOf(100))
		case "/big-streamed":
			w.Header().Set("Content-Type", "image/png")
			for i := 0; i < 40; i++ { // chunked, no length: 40 x 4 KiB
				_, _ = w.Write(pngOf(4096))
				w.(http.Flusher).Flush()
			}
		default:
			http.NotFound(w, r)
		}
	})
	inbound := func(id string, m map[string]any) (int, string) {
		r := ch.Post("inbound", map[string]any{"platformMessageId": id, "from": map[string]any{"platformCustomerId": "c-1"}, "media": m})
		return r.Status, string(r.Body)
	}

	if st, body := inbound("u-1", map[string]any{"url": base + "/pic.png", "mimeType": "image/png", "fileName": "pic.png"}); st != http.StatusAccepted {
		t.Fatalf("inbound by url: %d %s", st, body)
	}
	frames := ws.WaitFrames("incoming_message", 1, 5*time.Second)
	var ev struct {
		Message struct {
			ContentType string       `json:"contentType"`
			Media       *mediaObject `json:"media"`
		} `json:"message"`
	}
	if err := json.Unmarshal(frames[0].Data, &ev); err != nil || ev.Message.ContentType != "IMAGE" || ev.Message.Media == nil ||
		ev.Message.Media.State != "READY" || ev.Message.Media.FileName != "pic.png" || ev.Message.Media.Size != int64(len(img)) {
		t.Fatalf("incoming_message %s", frames[0].Data)
	}
	if got := e.Must(http.StatusOK, "GET", ev.Message.Media.URL, "", nil, nil); !bytes.Equal(got.Body, img) {
		t.Fatal("the fetched file's url serves other bytes")
	}

	for _, c := range []struct {
		id     string
		media  map[string]any
		status int
		says   string
	}{
		{"u-2", map[string]any{"url": base + "/missing.png"}, http.StatusBadRequest, "answered 404"},
		{"u-3", map[string]any{"url": base + "/big-declared"}, http.StatusRequestEntityTooLarge, ""},
		{"u-4", map[string]any{"url": base + "/big-streamed"}, http.StatusRequestEntityTooLarge, ""},
		{"u-5", map[string]any{"url": base + "/pic.png", "data": img}, http.StatusBadRequest, "data"},
		{"u-6", map[string]any{"url": "ftp://example.com/pic.png"}, http.StatusBadRequest, "http"},
		{"u-7", map[string]any{"url": base + "/pic.png", "mimeType": "video/mp4"}, http.StatusUnsupportedMediaType, ""},
	} {
		st, body := inbound(c.id, c.media)
		if st != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s %v: %d %s", c.id, c.media["url"], st, body)
		}
	}
	var n int
	_ = e.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT count(*) FROM messages`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d messages stored; only the fetched image should be", n)
	}
}

// TestInboundMediaURLsUnderTheWebhookGuard: with private targets refused (production's default), a media
// url on a loopback, private or metadata address is a 400 naming media.url, and nothing is fetched.
func TestInboundMediaURLsUnderTheWebhookGuard(t *testing.T) {
	cfg := testkit.Config(t)
	refuse := false
	cfg.WebhookAllowPrivate = &refuse
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	// The channel's own webhook must be public here; it is never called.
	ch := e.CreateAPIChannel(acct.Token, "https://hooks.example.com/aezen")
	base, hits := fileServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngOf(100)) })
	port := base[strings.LastIndex(base, ":"):]
	for i, u := range []string{base + "/pic.png", "http://localhost" + port + "/pic.png", "http://[::ffff:127.0.0.1]" + port + "/",
		"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.png", "http://[fd00::1]/x.png"} {
		r := ch.Post("inbound", map[string]any{"platformMessageId": "g-" + strconv.Itoa(i), "from": map[string]any{"platformCustomerId": "c-1"},
			"media": map[string]any{"url": u}})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "media.url") || !strings.Contains(string(r.Body), "private or reserved") {
			t.Errorf("%s: %d %s", u, r.Status, r.Body)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the guarded fetcher reached the loopback server %d times", hits.Load())
	}
}
