package node

import (
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/internal/clustertls"
)

// remoteConfig is the actor port's configuration: mutual TLS always, because any message that reaches a
// tenant grain acts on that tenant with no further check (it is how members talk to each other).
//   - A multi-member node uses the cluster CA of AEZEN_CLUSTER_TLS_*; a peer without a certificate of that
//     CA does not get past the handshake. Development may run without (a warning says so); production
//     refuses to start without (config.Validate).
//   - A single-member node (provider none) listens on loopback only, with a CA made in memory at start and
//     never written anywhere: nothing outside the process can connect.
func remoteConfig(cfg *config.Config, log *slog.Logger) (*remote.Config, error) {
	host := cfg.NodeHost
	var pair *clustertls.Pair
	var err error
	switch {
	case cfg.ClusterProvider == "none":
		host = "127.0.0.1"
		pair, err = clustertls.Ephemeral()
	case cfg.ClusterTLS():
		pair, err = clustertls.Load(clustertls.Files{CA: cfg.ClusterTLSCA, Cert: cfg.ClusterTLSCert, Key: cfg.ClusterTLSKey})
	default:
		log.Warn("the cluster port is NOT authenticated: anyone who reaches it can act on every tenant; set AEZEN_CLUSTER_TLS_CA, AEZEN_CLUSTER_TLS_CERT and AEZEN_CLUSTER_TLS_KEY (production refuses to start without them)",
			"port", cfg.NodePort)
		return remote.Configure(host, cfg.NodePort), nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster TLS: %w", err)
	}
	return remote.Configure(host, cfg.NodePort,
		remote.WithServerOptions(grpc.Creds(credentials.NewTLS(pair.Server))),
		remote.WithDialOptions(grpc.WithTransportCredentials(credentials.NewTLS(pair.Client)))), nil
}
