package config

import (
	"strings"
	"testing"
)

// TestProductionClusterNeedsMutualTLS: a production member of a multi-member cluster does not start
// without the cluster CA, certificate and key (its actor port would answer anyone who can reach it).
func TestProductionClusterNeedsMutualTLS(t *testing.T) {
	base := func() *Config {
		c := Defaults()
		c.Env = "production"
		c.DatabaseURL = "postgres://u@localhost/db"
		c.JWTSecret = "Zq8vK2mXr7Tn4pLw9Bc6Hd3Jf5Gs1Ay0"
		c.EncryptionKey = "WXVZnu3Kkn49y8lrz13CGotyVxxheP8shiwICWuCul4=" // random: a sequence is refused in production
		c.OpsToken = "Xo3kP9wL2mQ7vN4b"
		c.ClusterProvider = "automanaged"
		c.ClusterPeers = []string{"10.0.0.1:6330"}
		c.AutomanagedPort = 6330
		c.NodePort = 7090
		return c
	}
	c := base()
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "AEZEN_CLUSTER_TLS_CA") {
		t.Fatalf("production cluster without TLS: %v", err)
	}
	c.ClusterTLSCA = "/etc/aezen/ca.crt"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "go together") {
		t.Fatalf("only the CA set: %v", err)
	}
	c.ClusterTLSCert, c.ClusterTLSKey = "/etc/aezen/member.crt", "/etc/aezen/member.key"
	if err := c.Validate(); err != nil {
		t.Fatalf("production cluster with TLS refused: %v", err)
	}
	c = base()
	c.ClusterProvider, c.ClusterPeers, c.AutomanagedPort, c.NodePort = "none", nil, 0, 0
	if err := c.Validate(); err != nil {
		t.Fatalf("single-member production node needs no cluster TLS: %v", err)
	}
}
