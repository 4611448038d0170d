package httpapi

import (
	"bytes"
	"net"
	"testing"
)

// countingConn records each write that reaches the socket.
type countingConn struct {
	net.Conn
	writes [][]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

// TestBatchConnWritesABatchOnce: frames written while a batch is held reach the socket in one write, in
// order; outside a batch each write goes through; a batch past wsBatchMax goes out in pieces, in order.
func TestBatchConnWritesABatchOnce(t *testing.T) {
	raw := &countingConn{}
	b := &batchConn{Conn: raw}
	_, _ = b.Write([]byte("alone"))
	b.hold()
	for _, f := range []string{"one", "two", "three"} {
		if n, err := b.Write([]byte(f)); n != len(f) || err != nil {
			t.Fatalf("held write: %d %v", n, err)
		}
	}
	if len(raw.writes) != 1 {
		t.Fatalf("%d writes reached the socket before release, want 1", len(raw.writes))
	}
	if err := b.release(); err != nil {
		t.Fatal(err)
	}
	if len(raw.writes) != 2 || string(raw.writes[1]) != "onetwothree" || b.buf != nil {
		t.Fatalf("writes %q, buffer kept %v", raw.writes, b.buf != nil)
	}

	raw.writes = nil
	big := bytes.Repeat([]byte("x"), wsBatchMax/2+1)
	b.hold()
	_, _ = b.Write(big)
	_, _ = b.Write(big) // past the bound: the first goes out
	_, _ = b.Write([]byte("tail"))
	_ = b.release()
	got := bytes.Join(raw.writes, nil)
	if want := append(append(append([]byte(nil), big...), big...), "tail"...); len(raw.writes) != 2 || !bytes.Equal(got, want) {
		t.Fatalf("%d writes of %d bytes, want 2 of %d", len(raw.writes), len(got), len(want))
	}
}
