// Command aezen-bench runs the benchmark suite (make bench, make bench-quick; flags: -h). It is a binary
// of its own so that the production binary carries neither the benchmark nor its load generators; its
// cluster phase runs members from the engine binary (cmd/aezen, built by the bench unless -node names one).
package main

import (
	"fmt"
	"os"

	"github.com/aezen/engine/bench"
	"github.com/aezen/engine/engine"
)

func main() {
	// The phases run nodes in this process: they get the production binary's garbage collector setting.
	engine.TuneGC()
	if err := bench.Run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aezen-bench:", err)
		os.Exit(1)
	}
}
