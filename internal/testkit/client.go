package testkit

import (
	"net"
	"net/http"
	"testing"
)

// Client talks to one node's HTTP API: an engine in this process or a member process of a cluster.
type Client struct {
	BaseURL string
	t       testing.TB
	http    *http.Client
}

// NewClient returns a client of the node serving at baseURL (http://host:port).
func NewClient(t testing.TB, baseURL string) *Client {
	return &Client{BaseURL: baseURL, t: t, http: http.DefaultClient}
}

// From returns a client of the same node whose connections come from another loopback address (127.0.0.2,
// ...), for limits kept per client address.
func (e *Client) From(ip string) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext
	e.t.Cleanup(tr.CloseIdleConnections)
	return &Client{BaseURL: e.BaseURL, t: e.t, http: &http.Client{Transport: tr}}
}
