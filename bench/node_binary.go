package bench

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// nodeBinary is the engine binary the cluster phase runs its members from: o.NodeBinary when set, else
// cmd/aezen built into dir with the go command (make bench runs the bench with `go run` from the
// repository). The bench used to start its members from its own executable; it is a binary of its own
// now, so that the production binary carries no benchmark.
func nodeBinary(ctx context.Context, o Options, dir string) (string, error) {
	if o.NodeBinary != "" {
		return o.NodeBinary, nil
	}
	out := filepath.Join(dir, "aezen")
	cmd := exec.CommandContext(ctx, cmp.Or(os.Getenv("GO"), "go"), "build", "-o", out, "github.com/aezen/engine/cmd/aezen")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the members' binary (go build ./cmd/aezen; -node names a built one): %v\n%s", err, b)
	}
	return out, nil
}
