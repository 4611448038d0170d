package httpapi

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/web"
)

// The web inbox is served by the engine itself from the assets embedded in package web: any GET that no
// API route answered gets the file at its path, or index.html (the app routes in the browser). It is
// registered as middleware after every route, so it never shadows the API and stays out of the OpenAPI
// document (which lists routes only).

// appCSP keeps the app to its own origin: scripts and styles only from the embedded assets, API and
// WebSocket calls to this engine, images from itself and blob: (the WhatsApp QR code is fetched with the token).
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// notBuiltPage answers the app's pages when the binary was built without the app (go build without make).
const notBuiltPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>AEZEN: the web app is not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>The web app is not built</h1>
<p>This binary was built without the web inbox. Build it with <code>make build</code> (or <code>make run</code>),
which installs Node when it is missing, runs <code>npm ci</code> and <code>npm run build</code> in <code>web/</code>
and embeds the result. The API is served as usual under <code>/api</code>.</p></body></html>`

type appFile struct {
	body, gz    []byte
	contentType string
}

type appAssets struct {
	once   sync.Once
	source func() (fs.FS, bool)
	files  map[string]*appFile
	built  bool
}

var webAssets = &appAssets{source: web.Assets}

// load reads every embedded file once and keeps a gzip copy of the compressible ones.
func (a *appAssets) load() {
	a.once.Do(func() {
		a.files = map[string]*appFile{}
		root, ok := a.source()
		if !ok {
			return
		}
		a.built = true
		_ = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(root, p)
			if err != nil {
				return err
			}
			f := &appFile{body: body, contentType: mime.TypeByExtension(path.Ext(p))}
			if f.contentType == "" {
				f.contentType = "application/octet-stream"
			}
			if len(body) > 1024 && compressible(f.contentType) {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
				_, _ = zw.Write(body)
				_ = zw.Close()
				f.gz = buf.Bytes()
			}
			a.files["/"+p] = f
			return nil
		})
	})
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "svg")
}

// isAPIPath reports paths the app must never answer: an unknown API route stays a JSON 404.
func isAPIPath(p string) bool {
	for _, prefix := range []string{"/api/", "/ws", "/healthz", "/readyz", "/metrics"} {
		if p == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// webApp serves the embedded app (GET and HEAD of any path no route answered).
func (s *Server) webApp(c *fiber.Ctx) error {
	if (c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead) || isAPIPath(c.Path()) {
		return c.Next()
	}
	webAssets.load()
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	if !webAssets.built {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Status(fiber.StatusServiceUnavailable).SendString(notBuiltPage)
	}
	p := path.Clean("/" + c.Path())
	f, ok := webAssets.files[p]
	switch {
	case ok && strings.HasPrefix(p, "/assets/"):
		// Vite names these files by content hash: they never change under one name.
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	case ok && p != "/index.html":
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	case strings.HasPrefix(p, "/assets/") || path.Ext(p) != "":
		// A missing file is a 404, not the app: a stale page asking for an old bundle must not get HTML.
		return fiber.ErrNotFound
	default:
		f = webAssets.files["/index.html"]
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set("Content-Security-Policy", appCSP)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Vary(fiber.HeaderAcceptEncoding)
	if f.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}
