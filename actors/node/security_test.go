package node_test

import (
	"errors"
	"net"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestSingleMemberActorPortRefusesOutsiders: a single-member node's actor port listens on loopback only and
// answers no client from outside the process, with or without a TLS certificate, while the node serves.
func TestSingleMemberActorPortRefusesOutsiders(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.NodeHost = "0.0.0.0"
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	e.Must(200, "GET", "/api/auth/me", acct.Token, nil, nil)

	addr := e.Node.Address()
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Fatalf("actor port %s is not on loopback", addr)
	}
	if err := testkit.ProbeActorPort(addr, nil); err != nil {
		t.Fatalf("plain gRPC: %v", err)
	}
	if err := testkit.ProbeActorPort(addr, testkit.ForeignTLS()); errors.Is(err, testkit.ErrActorPortOpen) {
		t.Fatalf("TLS with a foreign certificate: %v", err)
	}
}
