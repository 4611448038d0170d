package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/aezen/engine/sessions"
)

// WSClient is a real WebSocket client of the engine that records every frame it receives.
type WSClient struct {
	Conn   *websocket.Conn
	t      testing.TB
	mu     sync.Mutex
	frames []Frame
	closed error
	done   chan struct{}
}

// Frame is one server → client frame.
type Frame struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// DialWS connects with the token in the query string and starts recording frames.
func (e *Client) DialWS(token string) *WSClient {
	e.t.Helper()
	c, err := e.DialWSRaw(token)
	if err != nil {
		e.t.Fatalf("dialing websocket: %v", err)
	}
	return c
}

// DialWSRaw connects and returns the error instead of failing the test.
func (e *Client) DialWSRaw(token string) (*WSClient, error) {
	return e.dialWS("/ws?token="+token, nil)
}

// DialWSBearer connects with the credential (a JWT or an API key) in an Authorization: Bearer header.
func (e *Client) DialWSBearer(credential string) (*WSClient, error) {
	return e.dialWS("/ws", http.Header{"Authorization": {"Bearer " + credential}})
}

func (e *Client) dialWS(path string, header http.Header) (*WSClient, error) {
	url := "ws" + strings.TrimPrefix(e.BaseURL, "http") + path
	conn, res, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		if res != nil {
			body, _ := io.ReadAll(res.Body)
			return nil, &DialError{Status: res.StatusCode, Body: string(body), Err: err}
		}
		return nil, err
	}
	c := &WSClient{Conn: conn, t: e.t, done: make(chan struct{})}
	e.t.Cleanup(func() { conn.Close() })
	go c.read()
	return c, nil
}

// DialError is a refused WebSocket upgrade.
type DialError struct {
	Status int
	Body   string
	Err    error
}

func (d *DialError) Error() string { return d.Err.Error() + ": " + d.Body }

func (c *WSClient) read() {
	defer close(c.done)
	for {
		_, data, err := c.Conn.ReadMessage()
		if err != nil {
			c.mu.Lock()
			c.closed = err
			c.mu.Unlock()
			return
		}
		var f Frame
		if json.Unmarshal(data, &f) == nil {
			c.mu.Lock()
			c.frames = append(c.frames, f)
			c.mu.Unlock()
		}
	}
}

// Frames returns the frames of one event received so far ("" for all).
func (c *WSClient) Frames(event string) []Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Frame
	for _, f := range c.frames {
		if event == "" || f.Event == event {
			out = append(out, f)
		}
	}
	return out
}

// WaitFrames waits until n frames of the event have arrived and returns them.
func (c *WSClient) WaitFrames(event string, n int, timeout time.Duration) []Frame {
	c.t.Helper()
	Eventually(c.t, timeout, "websocket event "+event, func() bool { return len(c.Frames(event)) >= n })
	return c.Frames(event)
}

// Send writes a client frame.
func (c *WSClient) Send(event string, data any) {
	c.t.Helper()
	raw, _ := json.Marshal(data)
	if err := c.Conn.WriteJSON(Frame{Event: event, Data: raw}); err != nil {
		c.t.Fatalf("writing websocket frame: %v", err)
	}
}

// ClosedErr returns the error that ended the connection, once it has ended.
func (c *WSClient) ClosedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Delivery is one webhook call the receiver accepted.
type Delivery struct {
	EventID string
	Body    []byte
	Valid   bool
}

// WebhookReceiver is a real local HTTP server playing an API channel's integration. While Down, it answers 503.
type WebhookReceiver struct {
	*httptest.Server
	Secret string
	mu     sync.Mutex
	down   bool
	failIf func(body []byte) bool
	got    []Delivery
	calls  int
}

// NewWebhookReceiver starts a receiver; set Secret once the channel is created to verify signatures.
func NewWebhookReceiver(t testing.TB) *WebhookReceiver {
	w := &WebhookReceiver{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.calls++
		if w.down || (w.failIf != nil && w.failIf(body)) {
			rw.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.got = append(w.got, Delivery{EventID: r.Header.Get(sessions.EventIDHeader), Body: body,
			Valid: sessions.VerifyCall([]string{w.Secret}, body, r.Header.Get(sessions.SignatureHeader),
				r.Header.Get(sessions.TimestampHeader), time.Now(), sessions.SignaturePolicy{Tolerance: 5 * time.Minute}) == nil})
		rw.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(w.Close)
	return w
}

// SetDown makes the receiver refuse (true) or accept (false) deliveries.
func (w *WebhookReceiver) SetDown(down bool) {
	w.mu.Lock()
	w.down = down
	w.mu.Unlock()
}

// FailIf makes the receiver refuse the deliveries whose body matches (nil: none).
func (w *WebhookReceiver) FailIf(match func(body []byte) bool) {
	w.mu.Lock()
	w.failIf = match
	w.mu.Unlock()
}

// SetSecret sets the secret deliveries are verified with.
func (w *WebhookReceiver) SetSecret(s string) {
	w.mu.Lock()
	w.Secret = s
	w.mu.Unlock()
}

// Deliveries returns the accepted deliveries so far.
func (w *WebhookReceiver) Deliveries() []Delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Delivery(nil), w.got...)
}

// Calls counts every call, refused ones included.
func (w *WebhookReceiver) Calls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls
}

// WaitClosed waits until the server closed the connection with the close code and returns the reason.
func (c *WSClient) WaitClosed(code int, timeout time.Duration) {
	c.t.Helper()
	Eventually(c.t, timeout, "websocket closed by the server", func() bool { return c.ClosedErr() != nil })
	if err := c.ClosedErr(); !websocket.IsCloseError(err, code) {
		c.t.Fatalf("websocket ended with %v, want close code %d", err, code)
	}
}
