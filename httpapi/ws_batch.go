package httpapi

import (
	"net"
	"sync"
)

// wsBatchMax bounds the bytes a connection holds back while its writer writes a batch: past it they go to
// the socket at once, so a slow client blocks the writer as it did frame by frame.
const wsBatchMax = 64 << 10

var wsBatchPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// batchConn is the socket under a WebSocket connection. While the writer writes the frames it took from
// the queue (hold ... release), the frames gather in a buffer and reach the socket in one write: the two
// events of an inbound message (incoming_message, conversation_updated) and the three of a send usually
// wait together, and each write on loopback costs a system call and the receiver's TCP work. Frames from
// other goroutines meanwhile (the reader's pong) join the batch in order; outside a batch writes go
// straight through. The buffer comes from a pool and goes back at release: an idle connection holds none.
type batchConn struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	buf     *[]byte
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.holding {
		return b.Conn.Write(p)
	}
	if b.buf == nil {
		b.buf = wsBatchPool.Get().(*[]byte)
	}
	if len(*b.buf)+len(p) > wsBatchMax {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > wsBatchMax {
			return b.Conn.Write(p)
		}
	}
	*b.buf = append(*b.buf, p...)
	return len(p), nil
}

// hold starts a batch.
func (b *batchConn) hold() {
	b.mu.Lock()
	b.holding = true
	b.mu.Unlock()
}

// release ends the batch: what it gathered goes to the socket in one write (with the write deadline the
// last frame set), and the buffer back to the pool.
func (b *batchConn) release() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.holding = false
	err := b.flushLocked()
	if b.buf != nil {
		if cap(*b.buf) <= wsBatchMax {
			wsBatchPool.Put(b.buf)
		}
		b.buf = nil
	}
	return err
}

func (b *batchConn) flushLocked() error {
	if b.buf == nil || len(*b.buf) == 0 {
		return nil
	}
	_, err := b.Conn.Write(*b.buf)
	*b.buf = (*b.buf)[:0]
	return err
}
