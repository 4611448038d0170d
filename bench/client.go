package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
)

// call sends one JSON request to the engine under test (see callJSON).
func (e *env) call(ctx context.Context, method, path, token string, body, out any) error {
	return callJSON(ctx, method, e.baseURL+path, token, body, out)
}

// callJSON sends one JSON request and decodes a 2xx answer into out.
func callJSON(ctx context.Context, method, url, token string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// prepareTenants logs every owner in and gives each tenant an API channel whose webhook is the bench's
// receiver, 16 tenants at a time. It activates the tenants.
func (e *env) prepareTenants(ctx context.Context, list []*tenant) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, t := range list {
		g.Go(func() error {
			var login struct {
				Token string `json:"token"`
			}
			if err := e.call(gctx, "POST", "/api/auth/login", "", map[string]string{"email": t.email, "password": benchPassword}, &login); err != nil {
				return err
			}
			t.token = login.Token
			var ch struct {
				ChannelID     uuid.UUID `json:"channelId"`
				WebhookSecret string    `json:"webhookSecret"`
			}
			err := e.call(gctx, "POST", "/api/channels", t.token, map[string]any{"platformType": "API",
				"channelName": "bench", "webhookUrl": e.hook.url}, &ch)
			t.channel, t.secret = ch.ChannelID, ch.WebhookSecret
			return err
		})
	}
	return g.Wait()
}

// frameWatch receives the frames of many WebSocket clients and records, for incoming_message frames of
// messages that arrived inside the window, the time from arrival (stamped in the platform message id by the
// producer) to the frame.
type frameWatch struct {
	from, to atomic.Int64 // window on arrival time, unix nanoseconds
	samples  Samples
	frames   atomic.Int64
	// With keepArrivals, every frame's (arrival stamp, read time) is kept, to be joined with commit times.
	keepArrivals bool
	mu           sync.Mutex
	arrivals     [][2]int64
}

func (w *frameWatch) setWindow(from, to time.Time) {
	w.from.Store(from.UnixNano())
	w.to.Store(to.UnixNano())
}

// wsConns is a set of WebSocket clients connected to the engine, each read by its own goroutine.
type wsConns struct {
	mu    sync.Mutex
	conns []*websocket.Conn
	wg    sync.WaitGroup
}

// dial connects one client for token; its frames go to watch (the current one when it changes).
func (c *wsConns) dial(baseURL, token string, watch *atomic.Pointer[frameWatch]) error {
	url := "ws" + strings.TrimPrefix(baseURL, "http") + "/ws?token=" + token
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 1024}
	conn, _, err := d.Dial(url, nil)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.conns = append(c.conns, conn)
	c.mu.Unlock()
	c.wg.Add(1)
	go asLoad(func() {
		defer c.wg.Done()
		readFrames(conn, watch)
	})
	return nil
}

func readFrames(conn *websocket.Conn, watch *atomic.Pointer[frameWatch]) {
	var buf bytes.Buffer
	var shard *Shard
	var owner *frameWatch
	for {
		_, r, err := conn.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		now := time.Now().UnixNano()
		w := watch.Load()
		if w == nil {
			continue
		}
		t0, ok := arrivalOf(buf.Bytes())
		if !ok || t0 < w.from.Load() || t0 >= w.to.Load() {
			continue
		}
		if w != owner {
			owner, shard = w, w.samples.Shard()
		}
		shard.Add(time.Duration(now - t0))
		w.frames.Add(1)
		if w.keepArrivals {
			w.mu.Lock()
			w.arrivals = append(w.arrivals, [2]int64{t0, now})
			w.mu.Unlock()
		}
	}
}

// close closes every client and waits for their readers.
func (c *wsConns) close() {
	c.mu.Lock()
	for _, conn := range c.conns {
		_ = conn.Close()
	}
	c.conns = nil
	c.mu.Unlock()
	c.wg.Wait()
}

var (
	incomingPrefix = []byte(`{"event":"incoming_message"`)
	pmidKey        = []byte(`"platformMessageId":"`)
)

// arrivalOf returns the arrival time stamped in the platform message id of an incoming_message frame
// (ids look like b-<tenant>-<chat>-<seq>-<unix nanoseconds>).
func arrivalOf(frame []byte) (int64, bool) {
	if !bytes.HasPrefix(frame, incomingPrefix) {
		return 0, false
	}
	i := bytes.Index(frame, pmidKey)
	if i < 0 {
		return 0, false
	}
	rest := frame[i+len(pmidKey):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return 0, false
	}
	id := rest[:end]
	dash := bytes.LastIndexByte(id, '-')
	if dash < 0 {
		return 0, false
	}
	t0, err := strconv.ParseInt(string(id[dash+1:]), 10, 64)
	return t0, err == nil
}

// platformMessageID builds a producer's message id, stamped with its arrival time.
func platformMessageID(tenant, chat, seq int, at time.Time) string {
	return "b-" + strconv.Itoa(tenant) + "-" + strconv.Itoa(chat) + "-" + strconv.Itoa(seq) + "-" + strconv.FormatInt(at.UnixNano(), 10)
}

// fromCommit joins the frames with the times their messages were acknowledged (committed), by arrival stamp,
// and returns the ack → frame distribution. A frame read before its producer saw the ack counts as 0: the
// conversation actor answers the producer and publishes the event at the same moment.
func (w *frameWatch) fromCommit(acked map[int64]int64) Latency {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := make([]time.Duration, 0, len(w.arrivals))
	for _, a := range w.arrivals {
		if at, ok := acked[a[0]]; ok {
			d = append(d, time.Duration(max(0, a[1]-at)))
		}
	}
	return summarize(d)
}
