package httpapi

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestHubUnderConcurrency drives the hub as a busy node does, from many goroutines at once (make test
// runs it under -race): several publishers deliver to a tenant while clients join and leave and another
// tenant's clients listen. Every client that stays receives every event of every publisher in that
// publisher's order; a client that never reads is dropped with 1013 without holding anyone up; the other
// tenant hears nothing; draining closes everyone with 1012 and admits nobody after.
func TestHubUnderConcurrency(t *testing.T) {
	const publishers, events = 4, 100 // per round: 400 frames, under wsQueueSize
	h := NewHub()
	lim := wsLimits{perUser: 1 << 20, perTenant: 1 << 20}
	tenant, other := uuid.New(), uuid.New()
	newClient := func(tenantID uuid.UUID) *wsClient {
		return newWSClient(tenantID, uuid.New())
	}
	type got struct {
		frames []frame
		gone   bool
	}
	// reader drains a client until it is dropped or stop closes.
	reader := func(c *wsClient, stop <-chan struct{}, out *got, wg *sync.WaitGroup) {
		defer wg.Done()
		for {
			select {
			case <-c.ready:
				for _, msg := range c.take(nil) {
					var f frame
					if err := json.Unmarshal(msg, &f); err != nil {
						panic(fmt.Sprintf("frame %q: %v", msg, err))
					}
					out.frames = append(out.frames, f)
				}
			case <-c.gone:
				out.gone = true
				return
			case <-stop:
				return
			}
		}
	}

	stop := make(chan struct{})
	var readers sync.WaitGroup
	stay := make([]*wsClient, 3)
	stayGot := make([]*got, len(stay))
	for i := range stay {
		stay[i], stayGot[i] = newClient(tenant), &got{}
		if a := h.add(stay[i], lim); a != admitted {
			t.Fatalf("client %d not admitted: %v", i, a)
		}
		readers.Add(1)
		go reader(stay[i], stop, stayGot[i], &readers)
	}
	otherClient, otherGot := newClient(other), &got{}
	h.add(otherClient, lim)
	readers.Add(1)
	go reader(otherClient, stop, otherGot, &readers)
	slow := newClient(tenant) // never reads
	h.add(slow, lim)

	// Two rounds, each under the queue size, so that a reader slowed down by the race detector is never
	// dropped: the slow client, which holds every frame, overflows in the second.
	const rounds = 2
	drained := func() {
		deadline := time.Now().Add(10 * time.Second)
		for _, c := range append(stay, otherClient) {
			for c.pending() > 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	for round := range rounds {
		var work sync.WaitGroup
		for p := range publishers {
			work.Add(1)
			go func() {
				defer work.Done()
				for i := range events {
					data, _ := json.Marshal(map[string]int{"publisher": p, "seq": round*events + i})
					h.Deliver(tenant, "incoming_message", data, nil)
				}
			}()
		}
		// Clients come and go meanwhile.
		work.Add(1)
		go func() {
			defer work.Done()
			for range 100 {
				c := newClient(tenant)
				h.add(c, lim)
				h.remove(c)
			}
		}()
		work.Wait()
		drained()
	}

	select {
	case <-slow.gone:
		if slow.reason != closeTryAgainLater {
			t.Fatalf("the slow client was dropped with %d, want %d", slow.reason, closeTryAgainLater)
		}
	default:
		t.Fatalf("the slow client was not dropped after %d events", rounds*publishers*events)
	}
	close(stop) // every frame is out of the queues; Wait lets the readers finish the last one
	readers.Wait()
	for i, g := range stayGot {
		if g.gone || len(g.frames) != rounds*publishers*events {
			t.Fatalf("client %d: %d frames (dropped: %v), want %d", i, len(g.frames), g.gone, rounds*publishers*events)
		}
		next := make([]int, publishers)
		for _, f := range g.frames {
			var ev struct{ Publisher, Seq int }
			if err := json.Unmarshal(f.Data, &ev); err != nil || f.Event != "incoming_message" {
				t.Fatalf("client %d: frame %+v: %v", i, f, err)
			}
			if ev.Seq != next[ev.Publisher] {
				t.Fatalf("client %d: publisher %d's event %d came when %d was due", i, ev.Publisher, ev.Seq, next[ev.Publisher])
			}
			next[ev.Publisher]++
		}
	}
	if len(otherGot.frames) != 0 || otherGot.gone {
		t.Fatalf("the other tenant's client got %d frames (dropped: %v)", len(otherGot.frames), otherGot.gone)
	}

	h.remove(slow)
	h.CloseAll()
	for i, c := range append(stay, otherClient) {
		select {
		case <-c.gone:
			if c.reason != closeServiceRestart {
				t.Fatalf("client %d closed with %d when draining, want %d", i, c.reason, closeServiceRestart)
			}
		default:
			t.Fatalf("client %d still open after CloseAll", i)
		}
	}
	if a := h.add(newClient(tenant), lim); a != hubDraining {
		t.Fatalf("a draining hub admitted a client: %v", a)
	}
}
