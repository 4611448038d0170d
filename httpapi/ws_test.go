package httpapi_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/aezen/engine/internal/testkit"
)

func TestWebSocketRefusesBadTokensBeforeUpgrade(t *testing.T) {
	e := testkit.StartDefault(t)
	for name, tok := range map[string]string{"missing": "", "garbage": "not-a-jwt"} {
		_, err := e.DialWSRaw(tok)
		var de *testkit.DialError
		if !errors.As(err, &de) || de.Status != http.StatusUnauthorized {
			t.Fatalf("%s token: %v", name, err)
		}
	}
	// The token may also travel in Sec-WebSocket-Protocol, next to the engine's subprotocol.
	acct := e.SignUp()
	url := "ws" + strings.TrimPrefix(e.BaseURL, "http") + "/ws"
	d := websocket.Dialer{Subprotocols: []string{"aezen.v1", acct.Token}}
	conn, res, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("subprotocol token: %v", err)
	}
	defer conn.Close()
	if res.Header.Get("Sec-WebSocket-Protocol") != "aezen.v1" {
		t.Fatalf("server chose subprotocol %q", res.Header.Get("Sec-WebSocket-Protocol"))
	}
	// The engine answers the handshake itself on the raw socket (ws_upgrade.go): a bad one is a 400 saying
	// why, and a client that sends a frame before the 101 (RFC 6455 forbids it) is cut off without one.
	// Each returns the response's status and body, or the read's error when the socket closed first.
	handshake := func(version string, extra []byte) (int, string) {
		c, err := net.Dial("tcp", strings.TrimPrefix(e.BaseURL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		req := "GET /ws?token=" + acct.Token + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
			"Sec-WebSocket-Version: " + version + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
		if _, err := c.Write(append([]byte(req), extra...)); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		if res.StatusCode == http.StatusSwitchingProtocols {
			return res.StatusCode, ""
		}
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := handshake("8", nil); status != http.StatusBadRequest || !strings.Contains(body, "Sec-WebSocket-Version") {
		t.Fatalf("version 8: %d %s", status, body)
	}
	masked := []byte{0x81, 0x82, 1, 2, 3, 4, '{' ^ 1, '}' ^ 2} // a masked text frame "{}"
	if status, body := handshake("13", masked); status != 0 {
		t.Fatalf("a frame sent before the 101 was answered %d %s", status, body)
	}
	if status, body := handshake("13", nil); status != http.StatusSwitchingProtocols {
		t.Fatalf("plain handshake: %d %s", status, body)
	}
}

func TestWebSocketEventsStayInTheirTenant(t *testing.T) {
	e := testkit.StartDefault(t)
	a, b := e.SignUp(), e.SignUp()
	chA := e.CreateAPIChannel(a.Token, "http://127.0.0.1:1/unused")
	chB := e.CreateAPIChannel(b.Token, "http://127.0.0.1:1/unused")
	wsA, wsB := e.DialWS(a.Token), e.DialWS(b.Token)

	chA.Inbound("a-1", "alice", "for tenant A")
	chB.Inbound("b-1", "bob", "for tenant B")
	chB.Inbound("b-2", "bob", "for tenant B again")
	gotA := wsA.WaitFrames("incoming_message", 1, 5*time.Second)
	wsB.WaitFrames("incoming_message", 2, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	for _, f := range wsA.Frames("") {
		if strings.Contains(string(f.Data), "tenant B") {
			t.Fatalf("tenant A saw %s", f.Data)
		}
	}
	for _, f := range wsB.Frames("") {
		if strings.Contains(string(f.Data), "tenant A") {
			t.Fatalf("tenant B saw %s", f.Data)
		}
	}
	if len(gotA) != 1 || len(wsA.Frames("incoming_message")) != 1 {
		t.Fatalf("tenant A got %d incoming frames", len(wsA.Frames("incoming_message")))
	}
	// A chat id of tenant A is unknown to tenant B.
	var in struct {
		Conversation conversation `json:"conversation"`
	}
	_ = json.Unmarshal(gotA[0].Data, &in)
	if r := e.Do("GET", "/api/conversations/"+in.Conversation.ChatID, b.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("tenant B reading tenant A's chat: %d %s", r.Status, r.Body)
	}
}

func TestWebSocketRequests(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	in, _ := ch.Inbound("w-1", "ws-customer", "hello")
	ws := e.DialWS(acct.Token)

	ws.Send("send_message", map[string]any{"chatId": in.ChatID, "content": "from the socket", "clientMessageId": "c-1"})
	ws.Send("send_message", map[string]any{"chatId": in.ChatID, "content": "from the socket", "clientMessageId": "c-1"})
	ws.Send("send_message", map[string]any{"chatId": in.ChatID, "clientMessageId": "c-2"})
	ws.Send("mark_read", map[string]any{"chatId": in.ChatID})
	ws.Send("typing", map[string]any{"chatId": in.ChatID, "on": true})
	ws.Send("dance", map[string]any{})
	acks := ws.WaitFrames("ack", 6, 5*time.Second)
	type ack struct {
		ClientMessageID string `json:"clientMessageId"`
		Request         string `json:"request"`
		Result          struct {
			Message     message `json:"message"`
			UnreadCount *int    `json:"unreadCount"`
		} `json:"result"`
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	var got []ack
	for _, f := range acks {
		var a ack
		_ = json.Unmarshal(f.Data, &a)
		got = append(got, a)
	}
	if got[0].Error != nil || got[0].Result.Message.MessageID == "" || got[0].Result.Message.MessageID != got[1].Result.Message.MessageID {
		t.Fatalf("send acks: %+v / %+v", got[0], got[1])
	}
	if got[2].Error == nil || got[2].Error.Code != "validation_failed" || got[2].ClientMessageID != "c-2" {
		t.Fatalf("invalid send ack: %+v", got[2])
	}
	if got[3].Error != nil || got[3].Result.UnreadCount == nil || *got[3].Result.UnreadCount != 0 {
		t.Fatalf("mark_read ack: %+v", got[3])
	}
	if got[4].Error != nil || got[5].Error == nil || got[5].Error.Code != "bad_request" {
		t.Fatalf("typing / unknown acks: %+v %+v", got[4], got[5])
	}
	testkit.Eventually(t, 5*time.Second, "one webhook delivery", func() bool { return len(hook.Deliveries()) == 1 })
	if c := getConversation(t, e, acct.Token, in.ChatID); c.UnreadCount != 0 {
		t.Fatalf("unread %d", c.UnreadCount)
	}
}

// TestSlowWebSocketClientDoesNotStallOthers: one client stops reading while events pour in (four senders at
// once); the engine keeps serving the other client in full and, once the slow one's queue overflows, closes
// it with 1013 (try again later) behind the frames already on their way. The slow client resumes reading
// as soon as /metrics counts the drop: a close frame cannot reach a client that never reads again (its
// connection is cut once a write has waited AEZEN_WS_WRITE_TIMEOUT), nor one that reads so slowly that the
// engine's ping waits that long behind the backlog. The timeout is long here so that the queue overflows
// first even when a loaded machine delivers the flood slowly (at 10 s, 512 frames must come at 51/s).
func TestSlowWebSocketClientDoesNotStallOthers(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WSWriteTimeout = 2 * time.Minute
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")

	url := "ws" + strings.TrimPrefix(e.BaseURL, "http") + "/ws?token=" + acct.Token
	slow, _, err := (&websocket.Dialer{ReadBufferSize: 1024}).Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast := e.DialWS(acct.Token)

	dropsBefore := wsDrops(e.BaseURL)
	dropped := make(chan struct{})
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	go func() { // closes dropped once the engine has counted a dropped client
		for wsDrops(e.BaseURL) <= dropsBefore {
			select {
			case <-stopWatch:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		close(dropped)
	}()
	type result struct {
		read int
		err  error
	}
	ended := make(chan result, 1)
	go func() {
		select {
		case <-dropped:
		case <-stopWatch:
			return
		}
		read := 0
		for {
			_ = slow.SetReadDeadline(time.Now().Add(60 * time.Second))
			if _, _, err := slow.ReadMessage(); err != nil {
				ended <- result{read, err}
				return
			}
			read++
		}
	}()

	big := strings.Repeat("x", 16<<10)
	const n = 1200
	const senders = 4
	var flood sync.WaitGroup
	failed := make(chan string, senders)
	for w := range senders {
		flood.Add(1)
		go func() {
			defer flood.Done()
			for i := w; i < n; i += senders {
				if _, r := ch.Inbound(fmt.Sprintf("s-%d", i), fmt.Sprintf("cust-%d", i%20), big); r.Status != http.StatusAccepted {
					failed <- fmt.Sprintf("inbound %d: %d %s", i, r.Status, r.Body)
					return
				}
			}
		}()
	}
	flood.Wait()
	close(failed)
	for f := range failed {
		t.Fatal(f)
	}
	fast.WaitFrames("incoming_message", n, 30*time.Second)

	select {
	case r := <-ended:
		if !websocket.IsCloseError(r.err, 1013) || r.read >= 2*n {
			t.Fatalf("slow client ended with %v after %d frames; want close 1013 before %d", r.err, r.read, 2*n)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("the slow client was not disconnected")
	}
}

// wsDrops reads the engine's count of WebSocket clients dropped for falling behind (-1 when unreadable).
func wsDrops(baseURL string) float64 {
	res, err := http.Get(baseURL + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "aezen_websocket_clients_dropped_total "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
