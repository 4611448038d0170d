package httpapi

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/protos"
)

// wsQueueSize bounds the frames waiting for one client; a client that falls this far behind is dropped.
const wsQueueSize = 512

// Hub fans tenant events out to the WebSocket clients connected to this node. Delivering never blocks:
// each client has a bounded queue, and a client whose queue is full is disconnected.
type Hub struct {
	mu      sync.RWMutex
	clients map[uuid.UUID]map[*wsClient]struct{}
	perUser map[uuid.UUID]int
	// people counts each user's connections made with a login token (not an API key): presence.
	people map[uuid.UUID]int
	closed bool
	// subs are the tenant actors that asked for presence reports (ws_presence.go), under pmu; reporter
	// sends them.
	pmu      sync.Mutex
	subs     map[uuid.UUID]presenceSub
	reporter atomic.Pointer[presenceReporter]
}

// NewHub creates an empty hub.
func NewHub() *Hub {
	return &Hub{clients: make(map[uuid.UUID]map[*wsClient]struct{}), perUser: make(map[uuid.UUID]int),
		people: make(map[uuid.UUID]int)}
}

// wsLimits caps the connections of one user and of one tenant on this node (AEZEN_WS_MAX_PER_USER,
// AEZEN_WS_MAX_PER_TENANT): each holds a reader goroutine (a writer too while it has frames to send) and a queue
// of up to 512 frames, and one token opened 1,000.
type wsLimits struct{ perUser, perTenant int }

// admission says whether a client may join.
type admission int

const (
	admitted admission = iota
	hubDraining
	userFull
	tenantFull
)

// admits is the check before the upgrade (answered 429); add checks again, atomically.
func (h *Hub) admits(tenantID, userID uuid.UUID, lim wsLimits) admission {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.admitsLocked(tenantID, userID, lim)
}

func (h *Hub) admitsLocked(tenantID, userID uuid.UUID, lim wsLimits) admission {
	switch {
	case h.closed:
		return hubDraining
	case h.perUser[userID] >= lim.perUser:
		return userFull
	case len(h.clients[tenantID]) >= lim.perTenant:
		return tenantFull
	}
	return admitted
}

// wsClient is one connected WebSocket.
type wsClient struct {
	tenantID uuid.UUID
	userID   uuid.UUID
	// userIDText is userID as events list it; role (a string) is the user's current role.
	userIDText string
	role       atomic.Value
	// person is false for a connection made with an API key (an integration): it does not make its user
	// online for automatic assignment.
	person bool
	// principal is what the connection authenticated as; the access watch checks it (ws_access.go).
	principal principal
	// The frames waiting for the writer: a slice that holds only what is queued (a buffered channel of
	// wsQueueSize held 12 KB for every idle client: issue 17, memory per active tenant), and ready, which
	// wakes the writer.
	mu    sync.Mutex
	queue [][]byte
	ready chan struct{}
	// The writer (ws.go, wsWriter) runs while there is work: write starts it; writing says one runs;
	// pingDue asks it for a ping (pinger sets it every wsPingEvery); finished is set once it closed the
	// connection, and done is closed then. A client without write (the hub's own tests) only queues.
	write    func()
	writing  bool
	pingDue  bool
	finished bool
	pinger   *time.Timer
	done     chan struct{}
	// gone is closed when the client must be disconnected: it fell behind, or the node is draining.
	gone     chan struct{}
	goneOnce sync.Once
	reason   int
}

func newWSClient(tenantID, userID uuid.UUID) *wsClient {
	return &wsClient{tenantID: tenantID, userID: userID, userIDText: userID.String(), ready: make(chan struct{}, 1),
		gone: make(chan struct{}), done: make(chan struct{})}
}

// startWriting gives the client its writer and its ping timer.
func (c *wsClient) startWriting(write func()) {
	c.mu.Lock()
	c.pinger = time.AfterFunc(wsPingEvery, c.ping)
	c.write = write
	c.mu.Unlock()
}

// ping asks the writer for a ping and arms the next one.
func (c *wsClient) ping() {
	c.mu.Lock()
	c.pingDue = true
	finished := c.finished
	c.mu.Unlock()
	if finished {
		return
	}
	c.signal()
	c.pinger.Reset(wsPingEvery)
}

// signal wakes the writer, starting one when none runs.
func (c *wsClient) signal() {
	select {
	case c.ready <- struct{}{}:
	default:
	}
	c.kick()
}

// kick starts the writer unless one runs or the connection is finished.
func (c *wsClient) kick() {
	c.mu.Lock()
	if c.writing || c.finished || c.write == nil {
		c.mu.Unlock()
		return
	}
	c.writing = true
	write := c.write
	c.mu.Unlock()
	go write()
}

// idleExit ends the writer's run when nothing waits; false when something came in meanwhile (a frame, a
// ping, or the end: a drop whose kick found this writer still running).
func (c *wsClient) idleExit() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.gone:
		return false
	default:
	}
	if len(c.queue) > 0 || c.pingDue {
		return false
	}
	c.writing = false
	return true
}

// takeAll is take, and whether a ping is due.
func (c *wsClient) takeAll(spare [][]byte) ([][]byte, bool) {
	out := c.take(spare)
	c.mu.Lock()
	ping := c.pingDue
	c.pingDue = false
	c.mu.Unlock()
	return out, ping
}

// push queues a frame for the writer; false when wsQueueSize frames are already waiting.
func (c *wsClient) push(msg []byte) bool {
	c.mu.Lock()
	if len(c.queue) >= wsQueueSize {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, msg)
	c.mu.Unlock()
	c.signal()
	return true
}

// take returns the queued frames in order and leaves spare (emptied) as the queue, so that a writer
// alternating two slices allocates nothing once they have grown.
func (c *wsClient) take(spare [][]byte) [][]byte {
	clear(spare)
	c.mu.Lock()
	out := c.queue
	c.queue = spare[:0]
	c.mu.Unlock()
	return out
}

// pending is the number of frames waiting.
func (c *wsClient) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// admits reports whether an event for audience goes to this client: everyone gets an event without an
// audience; otherwise the listed users do, and owners and admins too unless the audience is only_listed.
// The role is the user's current one, refreshed while the connection lives (wsAccessWatch).
func (c *wsClient) admits(a *protos.Audience) bool {
	if a == nil {
		return true
	}
	if !a.OnlyListed {
		if r, _ := c.role.Load().(string); r != domain.RoleAgent {
			return true
		}
	}
	return slices.Contains(a.UserIds, c.userIDText)
}

func (c *wsClient) drop(reason int) {
	c.goneOnce.Do(func() {
		c.reason = reason
		close(c.gone)
	})
	c.kick() // the writer writes the close frame
}

// frame is the wire shape of every server → client message.
type frame struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// Deliver sends an event to every client of the tenant on this node that its audience admits (node.EventSink).
func (h *Hub) Deliver(tenantID uuid.UUID, event string, data []byte, audience *protos.Audience) {
	if event == ops.EventPresenceProbe {
		h.probe(tenantID, data)
		return
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	set := h.clients[tenantID]
	if len(set) == 0 {
		return
	}
	msg := encodeFrame(event, data)
	for c := range set {
		if !c.admits(audience) {
			continue
		}
		if !c.push(msg) {
			metricWSDropped.Inc()
			c.drop(closeTryAgainLater)
		}
	}
}

// Listening reports whether the tenant has a client on this node (node.ListenerCounter).
func (h *Hub) Listening(tenantID uuid.UUID) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients[tenantID]) > 0
}

// DropTenant disconnects every client of a tenant on this node with the given close code.
func (h *Hub) DropTenant(tenantID uuid.UUID, reason int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.clients[tenantID] {
		c.drop(reason)
	}
}

// encodeFrame builds the JSON of frame{event, data} without re-encoding data, which publishers produce
// with encoding/json: json.Marshal would scan and compact it again, once per event (a hot path: every
// message publishes two events).
func encodeFrame(event string, data []byte) []byte {
	if !plainEvent(event) || len(data) == 0 {
		msg, _ := json.Marshal(frame{Event: event, Data: data})
		return msg
	}
	msg := make([]byte, 0, len(event)+len(data)+len(`{"event":"","data":}`))
	msg = append(msg, `{"event":"`...)
	msg = append(msg, event...)
	msg = append(msg, `","data":`...)
	msg = append(msg, data...)
	return append(msg, '}')
}

// plainEvent reports whether an event name needs no escaping in a JSON string.
func plainEvent(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

func (h *Hub) add(c *wsClient, lim wsLimits) admission {
	a, first := h.addLocked(c, lim)
	if first {
		h.presenceChanged(c.tenantID)
	}
	return a
}

// addLocked adds the client; first reports whether it is its user's first connection with a login token
// on this member (API keys are not people).
func (h *Hub) addLocked(c *wsClient, lim wsLimits) (admission, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a := h.admitsLocked(c.tenantID, c.userID, lim); a != admitted {
		return a, false
	}
	h.perUser[c.userID]++
	set := h.clients[c.tenantID]
	if set == nil {
		set = make(map[*wsClient]struct{})
		h.clients[c.tenantID] = set
	}
	set[c] = struct{}{}
	metricWSClients.Inc()
	if !c.person {
		return admitted, false
	}
	h.people[c.userID]++
	return admitted, h.people[c.userID] == 1
}

func (h *Hub) remove(c *wsClient) {
	if h.removeLocked(c) {
		h.presenceChanged(c.tenantID)
	}
}

// removeLocked removes the client; it reports whether that was its user's last connection with a login
// token on this member.
func (h *Hub) removeLocked(c *wsClient) (last bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if set := h.clients[c.tenantID]; set != nil {
		if _, ok := set[c]; ok {
			delete(set, c)
			metricWSClients.Dec()
			if h.perUser[c.userID]--; h.perUser[c.userID] <= 0 {
				delete(h.perUser, c.userID)
			}
			if c.person {
				if h.people[c.userID]--; h.people[c.userID] <= 0 {
					delete(h.people, c.userID)
					last = true
				}
			}
		}
		if len(set) == 0 {
			delete(h.clients, c.tenantID)
		}
	}
	return last
}

// snapshot lists the clients connected to this node.
func (h *Hub) snapshot() []*wsClient {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []*wsClient
	for _, set := range h.clients {
		for c := range set {
			out = append(out, c)
		}
	}
	return out
}

// Count is the number of clients connected to this node.
func (h *Hub) Count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, set := range h.clients {
		n += len(set)
	}
	return n
}

// CloseAll disconnects every client with a close frame that asks it to reconnect (used when draining).
func (h *Hub) CloseAll() {
	h.mu.Lock()
	h.closed = true
	var all []*wsClient
	for _, set := range h.clients {
		for c := range set {
			all = append(all, c)
		}
	}
	h.mu.Unlock()
	for _, c := range all {
		c.drop(closeServiceRestart)
	}
}

// WebSocket close codes the engine uses.
const (
	closeServiceRestart = 1012 // the node is going away: reconnect (to any member)
	closeTryAgainLater  = 1013 // the client fell behind and was dropped: reconnect and reload
	closeUnauthorized   = 4401 // the token expired or was revoked (user removed, password changed, tenant suspended): log in again
)
