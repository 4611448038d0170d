package httpapi

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// wsAccessWatch closes a WebSocket with 4401 when its token expires or its user's access is revoked (user
// removed, password changed, tenant suspended), and keeps each client's role current, checking every
// client of this node every accessCheckEvery. One goroutine does it for all of them, and only while there
// are clients: a goroutine and a ticker per connection were a third of a connection's goroutines and most
// of an active tenant's memory with its five clients (issue 17).
type wsAccessWatch struct {
	s       *Server
	mu      sync.Mutex
	running bool
}

// watch makes sure the watch runs; called after a client joined the hub.
func (w *wsAccessWatch) watch() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.running {
		w.running = true
		go w.run()
	}
}

func (w *wsAccessWatch) run() {
	tick := time.NewTicker(accessCheckEvery)
	defer tick.Stop()
	for range tick.C {
		clients := w.s.hub.snapshot()
		if len(clients) == 0 {
			// Under the lock, so that a client joining now either is counted or starts a new watch.
			w.mu.Lock()
			if w.s.hub.Count() == 0 {
				w.running = false
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			continue
		}
		w.check(clients)
	}
}

// check checks each client once; one credential's access (a user's tokens of one version, or one API
// key) is looked up once per round however many connections share it.
func (w *wsAccessWatch) check(clients []*wsClient) {
	type credential struct {
		tenantID, userID uuid.UUID
		version          int
		apiKey           string
	}
	type access struct {
		role string
		err  error
	}
	seen := make(map[credential]access)
	now := time.Now()
	for _, c := range clients {
		select {
		case <-c.gone:
			continue
		default:
		}
		p := c.principal
		if !now.Before(p.Expires) {
			c.drop(closeUnauthorized)
			continue
		}
		k := credential{p.TenantID, p.UserID, p.Version, p.APIKey}
		a, ok := seen[k]
		if !ok {
			cur, err := w.s.wsAccess(p)
			a = access{role: cur.Role, err: err}
			seen[k] = a
		}
		if a.err != nil {
			c.drop(closeUnauthorized)
			continue
		}
		c.role.Store(a.role)
	}
}
