package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sync/errgroup"
)

// The WebSocket clients of the memory measurement live in a child process (`aezen-bench -ws-holder`), so
// that the bench process's resident memory holds only the engine's end of each connection.

// runWSHolder is the child: it reads "<base URL> <token>" lines from stdin up to a line "go", connects one
// client per line (32 at a time), answers "connected N" (or "error: …") on stdout, reads and discards
// frames until stdin closes, then closes the clients.
func runWSHolder() error {
	raiseOpenFiles()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), 1<<20)
	var targets [][2]string
	for in.Scan() {
		line := in.Text()
		if line == "go" {
			break
		}
		base, token, ok := strings.Cut(line, " ")
		if !ok {
			return fmt.Errorf("ws-holder: bad line %q", line)
		}
		targets = append(targets, [2]string{base, token})
	}
	conns := &wsConns{}
	defer conns.close()
	var none atomic.Pointer[frameWatch]
	g := errgroup.Group{}
	g.SetLimit(32)
	for _, t := range targets {
		g.Go(func() error { return conns.dial(t[0], t[1], &none) })
	}
	if err := g.Wait(); err != nil {
		fmt.Printf("error: %v\n", err)
		return err
	}
	fmt.Printf("connected %d\n", len(targets))
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// wsHolder is the parent's handle on a child holding WebSocket clients.
type wsHolder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	once  sync.Once
}

// holdWebSockets starts a child that connects one client per token to baseURL and returns once they are
// all connected.
func holdWebSockets(ctx context.Context, baseURL string, tokens []string) (*wsHolder, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-ws-holder")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &wsHolder{cmd: cmd, stdin: stdin}
	w := bufio.NewWriter(stdin)
	for _, t := range tokens {
		fmt.Fprintf(w, "%s %s\n", baseURL, t)
	}
	fmt.Fprintln(w, "go")
	if err := w.Flush(); err != nil {
		h.stop()
		return nil, err
	}
	answer, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(answer, "connected ") {
		h.stop()
		return nil, errors.New("WebSocket holder: " + strings.TrimSpace(answer) + fmt.Sprint(err))
	}
	return h, nil
}

// stop closes the child's clients and waits for it.
func (h *wsHolder) stop() {
	h.once.Do(func() {
		_ = h.stdin.Close()
		_ = h.cmd.Wait()
	})
}
