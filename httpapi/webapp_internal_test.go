package httpapi

import (
	"compress/gzip"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

func serveApp(t *testing.T, source func() (fs.FS, bool)) *fiber.App {
	t.Helper()
	saved := webAssets
	webAssets = &appAssets{source: source}
	t.Cleanup(func() { webAssets = saved })
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.DiscardHandler))})
	app.Get("/api/known", func(c *fiber.Ctx) error { return c.SendString("api") })
	s := &Server{}
	app.Use(s.webApp)
	return app
}

func get(t *testing.T, app *fiber.App, path string, headers ...string) (int, map[string]string, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, _ := io.ReadAll(body)
	h := map[string]string{}
	for k := range res.Header {
		h[k] = res.Header.Get(k)
	}
	return res.StatusCode, h, string(b)
}

// TestWebAppServesTheBuild: files by path (hashed assets cached for good), index.html for the app's routes,
// gzip when asked, and never the app for API paths or missing files.
func TestWebAppServesTheBuild(t *testing.T) {
	bundle := strings.Repeat("console.log('inbox');", 200)
	app := serveApp(t, func() (fs.FS, bool) {
		return fstest.MapFS{
			"index.html":          {Data: []byte("<!doctype html><title>AEZEN inbox</title>")},
			"assets/index-abc.js": {Data: []byte(bundle)},
		}, true
	})
	for _, path := range []string{"/", "/inbox", "/inbox/0196f0c4-0000-7000-8000-000000000000", "/team"} {
		st, h, body := get(t, app, path)
		if st != 200 || !strings.Contains(body, "AEZEN inbox") || h["Cache-Control"] != "no-cache" || !strings.HasPrefix(h["Content-Type"], "text/html") ||
			!strings.Contains(h["Content-Security-Policy"], "default-src 'self'") {
			t.Errorf("GET %s: %d %v %q", path, st, h, body)
		}
	}
	st, h, body := get(t, app, "/assets/index-abc.js", "Accept-Encoding", "gzip")
	if st != 200 || body != bundle || h["Content-Encoding"] != "gzip" || !strings.Contains(h["Cache-Control"], "immutable") ||
		!strings.Contains(h["Content-Type"], "javascript") {
		t.Errorf("the bundle: %d %v (%d bytes)", st, h, len(body))
	}
	if st, h, _ := get(t, app, "/assets/index-abc.js"); st != 200 || h["Content-Encoding"] != "" {
		t.Errorf("the bundle without gzip: %d %v", st, h)
	}
	for _, path := range []string{"/assets/index-old.js", "/favicon.ico", "/api/unknown", "/api"} {
		if st, h, body := get(t, app, path); st != 404 || !strings.Contains(h["Content-Type"], "json") {
			t.Errorf("GET %s: %d %v %q, want a JSON 404", path, st, h, body)
		}
	}
	if st, _, body := get(t, app, "/api/known"); st != 200 || body != "api" {
		t.Errorf("an API route: %d %q", st, body)
	}
}

// TestWebAppNotBuilt: a binary built without the app says how to build it.
func TestWebAppNotBuilt(t *testing.T) {
	app := serveApp(t, func() (fs.FS, bool) { return nil, false })
	st, _, body := get(t, app, "/inbox")
	if st != 503 || !strings.Contains(body, "make build") {
		t.Fatalf("GET /inbox without the app: %d %q", st, body)
	}
}
