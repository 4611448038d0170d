package node

import (
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/aezen/engine/config"
)

func etcdConfig(cfg *config.Config) clientv3.Config {
	return clientv3.Config{Endpoints: cfg.EtcdEndpoints, DialTimeout: 5 * time.Second}
}
