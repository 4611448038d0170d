package testkit

import "testing"

// Client talks to one node's HTTP API: an engine in this process or a member process of a cluster.
type Client struct {
	BaseURL string
	t       testing.TB
}

// NewClient returns a client of the node serving at baseURL (http://host:port).
func NewClient(t testing.TB, baseURL string) *Client {
	return &Client{BaseURL: baseURL, t: t}
}
