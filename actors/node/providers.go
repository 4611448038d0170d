package node

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/automanaged"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/consul"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/etcd"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/k8s"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/test"

	"github.com/aezen/engine/config"
)

// clusterProvider builds the membership provider named by AEZEN_CLUSTER_PROVIDER:
//   - none: a single-member cluster in process (the default);
//   - automanaged: a static list of peers (AEZEN_CLUSTER_PEERS, host:automanaged-port), for local and test clusters;
//   - kubernetes: members are the pods labelled by protoactor's provider (in-cluster config, needs pod list/watch/patch RBAC);
//   - consul: a Consul agent (CONSUL_HTTP_ADDR and the consul client's other variables);
//   - etcd: an etcd cluster (AEZEN_ETCD_ENDPOINTS).
func clusterProvider(cfg *config.Config) (cluster.ClusterProvider, *test.InMemAgent, error) {
	switch cfg.ClusterProvider {
	case "automanaged":
		return automanaged.NewWithConfig(2*time.Second, cfg.AutomanagedPort, cfg.ClusterPeers...), nil, nil
	case "kubernetes":
		p, err := k8s.New()
		if err != nil {
			return nil, nil, fmt.Errorf("kubernetes cluster provider (is the node running in a pod?): %w", err)
		}
		return p, nil, nil
	case "consul":
		p, err := consul.New()
		if err != nil {
			return nil, nil, fmt.Errorf("consul cluster provider: %w", err)
		}
		return p, nil, nil
	case "etcd":
		p, err := etcd.NewWithConfig("/aezen", etcdConfig(cfg))
		if err != nil {
			return nil, nil, fmt.Errorf("etcd cluster provider: %w", err)
		}
		return p, nil, nil
	default:
		agent := test.NewInMemAgent()
		return test.NewTestProvider(agent), agent, nil
	}
}
