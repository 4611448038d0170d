package httpapi

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/aezen/engine/domain"
)

// The WebSocket upgrade owns its connection (issue 17, memory per active tenant). gofiber/contrib/websocket
// ran the whole connection inside fasthttp's hijack handler, on fasthttp's hijacked connection: fasthttp
// then kept, for the connection's life, the request's context and the 8 KB buffered reader it had read the
// request with (AEZEN_MAX_HEADER_BYTES), and every read went through that reader; the contrib wrapper also
// copied every header, cookie and query argument into maps of its own. Here the hijack handler only takes
// the raw socket and returns, so fasthttp puts its reader and context back in its pools at once (the server
// runs with KeepHijackedConns: the socket is ours to close), and the connection is served by
// fasthttp/websocket's net/http Upgrader on the raw socket, with a 512-byte read buffer and a write buffer
// taken from a pool only while a message is written.

// wsUpgrader answers the handshake on the raw socket: the 101 with the aezen.v1 subprotocol when asked.
// Every origin is accepted (a token is required anyway, and browsers do not send it cross-site on their own).
var wsUpgrader = websocket.Upgrader{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   wsReadBuffer,
	WriteBufferPool:  &sync.Pool{},
	Subprotocols:     []string{wsSubprotocol},
	CheckOrigin:      func(*http.Request) bool { return true },
}

// wsHandshake checks the upgrade request and copies what the Upgrader reads from it: fasthttp reuses the
// request once the hijack handler returns. A bad handshake is a 400 saying why.
func wsHandshake(ctx *fasthttp.RequestCtx) (*http.Request, error) {
	h := &ctx.Request.Header
	if v := string(h.Peek("Sec-WebSocket-Version")); !tokenListHas(v, "13") {
		return nil, domain.BadRequest("unsupported WebSocket version %q: 13 is required (Sec-WebSocket-Version)", v)
	}
	key := string(h.Peek("Sec-WebSocket-Key"))
	if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) != 16 {
		return nil, domain.BadRequest("Sec-WebSocket-Key must be 16 bytes in base64")
	}
	r := &http.Request{Method: http.MethodGet, Header: http.Header{}, Host: string(h.Host())}
	for _, name := range []string{"Connection", "Upgrade", "Sec-WebSocket-Version", "Sec-WebSocket-Key",
		"Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin"} {
		if v := h.Peek(name); len(v) > 0 {
			r.Header.Set(name, string(v))
		}
	}
	return r, nil
}

func tokenListHas(list, token string) bool {
	for _, t := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// wsHijack hands the raw socket to serve on a goroutine of its own and lets fasthttp release everything
// it held for the request. fasthttp answers nothing: serve writes the 101 (or an error) itself.
func wsHijack(c *fiber.Ctx, serve func(net.Conn)) {
	ctx := c.Context()
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(hc net.Conn) {
		raw, err := detachHijacked(hc)
		if err != nil {
			_ = hc.Close()
			return
		}
		go serve(raw)
	})
	c.Status(fiber.StatusSwitchingProtocols) // for the request log and metrics; no response is written
}

// detachHijacked returns the socket under fasthttp's hijacked connection, whose reads go through the
// server's buffered reader. A client must wait for the 101 before sending (RFC 6455, 4.1), so that reader
// holds nothing: a read with a deadline already passed returns what it holds without touching the socket,
// and anything there is refused as the Upgrader does ("client sent data before handshake is complete").
func detachHijacked(hc net.Conn) (net.Conn, error) {
	u, ok := hc.(interface{ UnsafeConn() net.Conn })
	if !ok {
		return nil, errors.New("websocket: the hijacked connection does not expose its socket")
	}
	raw := u.UnsafeConn()
	if err := raw.SetReadDeadline(time.Unix(1, 0)); err != nil {
		return nil, err
	}
	var one [1]byte
	n, _ := hc.Read(one[:])
	if err := raw.SetReadDeadline(time.Time{}); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errors.New("websocket: client sent data before handshake is complete")
	}
	return raw, nil
}

// wsResponse is the http.ResponseWriter the Upgrader needs: it hijacks to the raw socket, and writes a
// plain HTTP error there if the Upgrader refuses the handshake after all (wsHandshake checked it before).
type wsResponse struct {
	conn   net.Conn
	header http.Header
	wrote  bool
}

func (w *wsResponse) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *wsResponse) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote = true
	_, _ = fmt.Fprintf(w.conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n", status, http.StatusText(status))
}

func (w *wsResponse) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusBadRequest)
	return w.conn.Write(b)
}

// Hijack is http.Hijacker: the Upgrader takes the socket and writes the 101 itself; the small buffers are
// only looked at (nothing is buffered yet) and dropped.
func (w *wsResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, bufio.NewReadWriter(bufio.NewReaderSize(w.conn, 16), bufio.NewWriterSize(w.conn, 256)), nil
}
