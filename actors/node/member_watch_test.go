package node

import (
	"testing"

	"github.com/asynkron/protoactor-go/cluster"
)

func TestMemberWatchSignalsOnlyTheMemberThatLeft(t *testing.T) {
	var w memberWatch
	gone, stopGone := w.watch("127.0.0.1:7001")
	defer stopGone()
	stays, stopStays := w.watch("127.0.0.1:7002")
	stopped, stop := w.watch("127.0.0.1:7001")
	stop() // an attempt that ended is not signalled
	w.topologyChanged(&cluster.ClusterTopology{
		Members: []*cluster.Member{{Host: "127.0.0.1", Port: 7002, Id: "b"}},
		Left:    []*cluster.Member{{Host: "127.0.0.1", Port: 7001, Id: "a"}},
	})
	select {
	case <-gone:
	default:
		t.Fatal("an attempt on the member that left was not signalled")
	}
	select {
	case <-stays:
		t.Fatal("an attempt on a member that stays was signalled")
	case <-stopped:
		t.Fatal("a stopped watch was signalled")
	default:
	}
	stopStays()
	if len(w.waiting) != 0 {
		t.Fatalf("%d addresses still watched", len(w.waiting))
	}
}
