package engine

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector's target when GOGC is not set. A node's live heap is small (about
// 60 MB with 100 busy tenants and 5,000 active chats) while it allocates a few hundred MB a second under load:
// with Go's default of 100 it collected every two seconds, and requests slowed during each mark phase (the
// slow seconds of the bench's 1,000 sends/s run lined up with the collections). 400 collects a quarter as
// often for a few hundred MB more memory; GOGC=100 restores Go's default.
const DefaultGCPercent = 400

// TuneGC sets DefaultGCPercent unless GOGC is set. cmd/aezen and cmd/aezen-bench (whose in-process nodes
// must be measured as a real node runs) call it first thing.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
