package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

const (
	wsSubprotocol = "aezen.v1"
	wsPingEvery   = 20 * time.Second
	wsPongWait    = 60 * time.Second
	// wsWriterLinger is how long a connection's writer waits for more work before it ends (the next frame
	// starts another): busy connections keep theirs, idle ones hold none.
	wsWriterLinger = 5 * time.Second
	// wsReadBuffer is the WebSocket reader's own buffer, on the raw socket (ws_upgrade.go): client frames
	// are small, a larger one is read in several calls; the default of 4 KB cost every connection 3.5 KB
	// more (issue 17, memory per active tenant).
	wsReadBuffer = 512
)

// wsUpgrade authenticates a WebSocket request before the upgrade: the token comes from the `token` query
// parameter, from `Authorization: Bearer` or from Sec-WebSocket-Protocol ("aezen.v1, <jwt>"); an API key is
// accepted wherever a JWT is. A bad or missing token is a plain 401.
func (s *Server) wsUpgrade(c *fiber.Ctx) error {
	if !websocket.FastHTTPIsWebSocketUpgrade(c.Context()) {
		return fiber.ErrUpgradeRequired
	}
	token := c.Query("token")
	if h, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok && token == "" {
		token = h
	}
	if token == "" {
		for _, p := range strings.Split(c.Get("Sec-WebSocket-Protocol"), ",") {
			if p = strings.TrimSpace(p); p != "" && p != wsSubprotocol {
				token = p
			}
		}
	}
	if token == "" {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: "a token is required (query parameter token or Sec-WebSocket-Protocol)"}
	}
	p, err := s.authenticate(c.UserContext(), token)
	if err != nil {
		return err
	}
	if a := s.hub.admits(p.TenantID, p.UserID, s.wsLimits()); a == userFull || a == tenantFull {
		return &domain.Error{Code: domain.CodeRateLimited, Message: s.wsRefusal(a)}
	}
	c.Locals("principal", p)
	c.Locals("request_id", requestID(c))
	return c.Next()
}

func (s *Server) wsLimits() wsLimits {
	return wsLimits{perUser: s.cfg.WSMaxPerUser, perTenant: s.cfg.WSMaxPerTenant}
}

// wsRefusal explains a refused connection (a close reason must fit in 123 bytes).
func (s *Server) wsRefusal(a admission) string {
	if a == userFull {
		return fmt.Sprintf("too many WebSocket connections for this user (at most %d)", s.cfg.WSMaxPerUser)
	}
	return fmt.Sprintf("too many WebSocket connections for this tenant (at most %d)", s.cfg.WSMaxPerTenant)
}

// clientFrame is the wire shape of every client → server message.
type clientFrame struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

type wsSendMessage struct {
	ChatID          uuid.UUID `json:"chatId"`
	Content         string    `json:"content" validate:"required,max=65536"`
	ContentType     string    `json:"contentType" validate:"omitempty,contenttype"`
	ClientMessageID string    `json:"clientMessageId" validate:"required,max=200"`
	// ReplyToMessageID quotes a message of the chat, as on POST /api/conversations/:chatId/send.
	ReplyToMessageID *string `json:"replyToMessageId"`
}

// wsViewing is the data of a client's viewing frame: on (default true) while the conversation is open on
// the client's screen, refreshed at least every 5 s; false when it is closed.
type wsViewing struct {
	ChatID uuid.UUID `json:"chatId"`
	On     *bool     `json:"on"`
}

// wsViewer is the connection's user as collision hints name them: looked up once per connection (the full
// name, else the email), so that a refresh every few seconds costs no database read.
type wsViewer struct {
	s                *Server
	tenantID, userID uuid.UUID
	cached           string
}

func (v *wsViewer) name(ctx context.Context) string {
	if v.cached != "" {
		return v.cached
	}
	u, err := v.s.accounts.GetUser(ctx, v.tenantID, v.userID)
	if err != nil {
		return ""
	}
	v.cached = u.Email
	if u.FullName != nil && *u.FullName != "" {
		v.cached = *u.FullName
	}
	return v.cached
}

// ackFrame answers a client request: the result, or the error in the API's envelope.
type ackFrame struct {
	ClientMessageID string        `json:"clientMessageId,omitempty"`
	Request         string        `json:"request"`
	Result          any           `json:"result,omitempty"`
	Error           *domain.Error `json:"error,omitempty"`
}

func (s *Server) wsHandler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, _ := c.Locals("principal").(principal)
		reqID, _ := c.Locals("request_id").(string)
		req, err := wsHandshake(c.Context())
		if err != nil {
			return err
		}
		wsHijack(c, func(raw net.Conn) {
			conn, err := wsUpgrader.Upgrade(&wsResponse{conn: &batchConn{Conn: raw}}, req, nil)
			if err != nil {
				_ = raw.Close()
				return
			}
			s.serveWS(conn, p, reqID)
		})
		return nil
	}
}

// serveWS runs one upgraded connection: its reader here, its writer when there is something to write.
func (s *Server) serveWS(conn *websocket.Conn, p principal, reqID string) {
	client := newWSClient(p.TenantID, p.UserID)
	client.principal = p
	client.person = p.APIKey == ""
	client.role.Store(p.Role)
	switch a := s.hub.add(client, s.wsLimits()); a {
	case admitted:
	case hubDraining:
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeServiceRestart, "node is draining"), time.Now().Add(time.Second))
		_ = conn.Close()
		return
	default:
		// Over a cap after all (a race with other upgrades): 1008, policy violation, with the reason.
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, s.wsRefusal(a)), time.Now().Add(time.Second))
		_ = conn.Close()
		return
	}
	defer s.hub.remove(client)
	client.startWriting(func() { s.wsWriter(conn, client) })
	s.access.watch()
	s.wsReader(conn, client, p, reqID)
	client.drop(websocket.CloseNormalClosure)
	<-client.done
}

// wsWriter owns writes to the connection: queued frames, pings, and the close frame at the end. It runs
// only while there is something to write (wsClient.kick starts it) and ends after wsWriterLinger without
// work, so that an idle connection holds one goroutine, its reader (issue 17, memory per active tenant).
// The one that finds the client gone writes the close frame, closes the connection and marks the client
// finished; no writer starts after that.
func (s *Server) wsWriter(conn *websocket.Conn, c *wsClient) {
	linger := time.NewTimer(wsWriterLinger)
	defer linger.Stop()
	var batch [][]byte
	for {
		select {
		case <-c.gone:
			c.finish(conn, true, s.cfg.WSWriteTimeout)
			return
		case <-c.ready:
			var ping bool
			batch, ping = c.takeAll(batch)
			if !s.writeBatch(conn, c, batch) {
				return
			}
			if ping {
				if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WSWriteTimeout)); err != nil {
					c.drop(websocket.CloseAbnormalClosure)
					c.finish(conn, false, 0)
					return
				}
			}
			linger.Reset(wsWriterLinger)
		case <-linger.C:
			if c.idleExit() {
				return
			}
			linger.Reset(wsWriterLinger)
		}
	}
}

// writeBatch writes the frames taken from the queue, in one write to the socket when the connection has a
// batchConn under it (up to wsBatchMax bytes at a time); false when the connection ended meanwhile.
func (s *Server) writeBatch(conn *websocket.Conn, c *wsClient, batch [][]byte) bool {
	bc, _ := conn.NetConn().(*batchConn)
	if bc != nil && len(batch) > 1 {
		bc.hold()
	} else {
		bc = nil
	}
	for _, msg := range batch {
		select {
		case <-c.gone: // dropped while this batch waited on its socket: the close frame comes next
			if bc != nil {
				_ = bc.release()
			}
			c.finish(conn, true, s.cfg.WSWriteTimeout)
			return false
		default:
		}
		_ = conn.SetWriteDeadline(time.Now().Add(s.cfg.WSWriteTimeout))
		if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
			if bc != nil {
				_ = bc.release()
			}
			c.drop(websocket.CloseAbnormalClosure)
			c.finish(conn, false, 0)
			return false
		}
	}
	if bc != nil {
		if err := bc.release(); err != nil {
			c.drop(websocket.CloseAbnormalClosure)
			c.finish(conn, false, 0)
			return false
		}
	}
	return true
}

// finish ends the connection once: the close frame saying why (unless writing already failed), then the
// socket; it wakes the handler waiting on done.
func (c *wsClient) finish(conn *websocket.Conn, closeFrame bool, writeTimeout time.Duration) {
	if closeFrame {
		text := map[int]string{closeServiceRestart: "node restarting, reconnect", closeTryAgainLater: "client too slow, reconnect and reload",
			closeUnauthorized: "token expired or revoked, log in again"}[c.reason]
		// A client dropped for falling behind has a full socket by definition: its close frame waits behind
		// the frames already sent, so it gets as long as any frame, or the client never learns why (1006).
		wait := time.Second
		if c.reason == closeTryAgainLater {
			wait = writeTimeout
		}
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.reason, text), time.Now().Add(wait))
	}
	_ = conn.Close()
	c.mu.Lock()
	c.finished = true
	c.mu.Unlock()
	if c.pinger != nil {
		c.pinger.Stop()
	}
	close(c.done)
}

// wsReader handles client requests one at a time until the connection ends.
func (s *Server) wsReader(conn *websocket.Conn, c *wsClient, p principal, reqID string) {
	conn.SetReadLimit(int64(s.cfg.MaxBodyBytes))
	_ = conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wsPongWait)) })
	names := &wsViewer{s: s, tenantID: p.TenantID, userID: p.UserID}
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		_ = conn.SetReadDeadline(time.Now().Add(wsPongWait))
		// Every request acts with the user's current role, and not at all once the token is no longer good.
		cur, err := s.wsAccess(p)
		if err != nil {
			c.drop(closeUnauthorized)
			return
		}
		callerInfo := node.Caller{UserID: p.UserID.String(), Role: cur.Role, RequestID: reqID}
		ack := s.wsRequest(p.TenantID, callerInfo, data, names)
		b, _ := json.Marshal(frame{Event: "ack", Data: mustJSON(ack)})
		// A client that let wsQueueSize frames pile up is dropped, whether the next is an event or an ack.
		if !c.push(b) {
			metricWSDropped.Inc()
			c.drop(closeTryAgainLater)
			return
		}
	}
}

// accessCheckEvery is how often an open WebSocket re-checks its token's expiry and its user's access; the
// access itself is cached for accounts.AccessCacheTTL.
const accessCheckEvery = time.Second

// wsAccess is the connection's principal with the user's current role, or an error when its token expired
// or its access was revoked. A database that does not answer is not a revocation: the connection keeps its
// last known role until the check succeeds or fails for real.
func (s *Server) wsAccess(p principal) (principal, error) {
	if !time.Now().Before(p.Expires) {
		return principal{}, &domain.Error{Code: domain.CodeUnauthorized, Message: "token has expired"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.DBTimeout)
	defer cancel()
	cur, err := s.currentAccess(ctx, p)
	if de := domain.AsError(err); err != nil && (de == nil || (de.Code != domain.CodeUnauthorized && de.Code != domain.CodeForbidden)) {
		return p, nil
	}
	return cur, err
}

func (s *Server) wsRequest(tenantID uuid.UUID, who node.Caller, data []byte, viewer *wsViewer) ackFrame {
	var f clientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return ackFrame{Request: "unknown", Error: domain.AsError(domain.BadRequest("frame is not JSON {event, data}"))}
	}
	if err := domain.CheckNoNUL(data); err != nil {
		return ackFrame{Request: f.Event, Error: domain.AsError(err)}
	}
	ack := ackFrame{Request: f.Event}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	var result any
	var err error
	switch f.Event {
	case "send_message":
		var in wsSendMessage
		err = decodeFrame(f.Data, &in)
		ack.ClientMessageID = in.ClientMessageID
		if err == nil {
			if in.ChatID == uuid.Nil {
				err = domain.InvalidField("chatId", "is required")
				break
			}
			if fe := domain.CheckText("content", &in.Content); fe != nil {
				err = domain.Invalid(fe...)
				break
			}
			req := sendRequest{Content: in.Content, ContentType: in.ContentType}
			var replyTo *uuid.UUID
			if replyTo, err = s.replyTarget(ctx, tenantID, who, in.ChatID, in.ReplyToMessageID); err != nil {
				break
			}
			send := s.sendInput(in.ChatID, req, "ws:"+who.UserID+":"+in.ClientMessageID)
			send.ReplyToMessageID = replyTo
			result, err = node.Call(ctx, s.node, tenantID, who, ops.OpConversationSend, send)
		}
	case "mark_read":
		var in ops.ChatRef
		if err = decodeFrame(f.Data, &in); err == nil {
			result, err = node.Call(ctx, s.node, tenantID, who, ops.OpConversationRead, in)
		}
	case "typing":
		var in ops.TypingInput
		if err = decodeFrame(f.Data, &in); err == nil {
			result, err = node.Call(ctx, s.node, tenantID, who, ops.OpConversationTyping, in)
		}
		if err == nil {
			// Teammates see who types (collision hint); the customer's indicator above is the channel's.
			_, err = node.Call(ctx, s.node, tenantID, who, ops.OpConversationViewing,
				ops.ViewingInput{ChatID: in.ChatID, Name: viewer.name(ctx), Viewing: true, Typing: in.On})
		}
	case "viewing":
		var in wsViewing
		if err = decodeFrame(f.Data, &in); err == nil {
			if in.ChatID == uuid.Nil {
				err = domain.InvalidField("chatId", "is required")
				break
			}
			result, err = node.Call(ctx, s.node, tenantID, who, ops.OpConversationViewing,
				ops.ViewingInput{ChatID: in.ChatID, Name: viewer.name(ctx), Viewing: in.On == nil || *in.On})
		}
	default:
		err = domain.BadRequest("unknown event %q (send_message, mark_read, typing, viewing)", f.Event)
	}
	if err != nil {
		de := domain.AsError(err)
		if de == nil {
			s.log.Error("websocket request failed", "event", f.Event, "err", err)
			de = &domain.Error{Code: domain.CodeInternal, Message: "internal error"}
		}
		ack.Error = de
		return ack
	}
	ack.Result = result
	return ack
}

func decodeFrame(data json.RawMessage, v any) error {
	if len(data) == 0 {
		return domain.BadRequest("frame has no data")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(err)
	}
	return domain.Validate(v)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
