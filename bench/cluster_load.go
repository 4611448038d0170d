package bench

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/errgroup"

	"github.com/aezen/engine/sessions"
)

// clusterTenant is a tenant signed up through the cluster's HTTP API.
type clusterTenant struct {
	id      uuid.UUID
	token   string
	channel string
	secret  string
	host    int // index of the member hosting it
}

// clusterProducer plays one customer writing in one chat through signed inbound calls.
type clusterProducer struct {
	t      *clusterTenant
	ti, ci int
	seq    int
	path   string
	acked  []string // platform message ids acknowledged with a 202
}

func clusterProducersFor(list []*clusterTenant, chats int) []*clusterProducer {
	var ps []*clusterProducer
	// Chat-major order: consecutive producers belong to different tenants.
	for ci := range chats {
		for ti, t := range list {
			ps = append(ps, &clusterProducer{t: t, ti: ti, ci: ci, path: "/api/channels/" + t.channel + "/inbound"})
		}
	}
	return ps
}

// signUp registers n tenants (4 at a time, spread over the members), gives each an API channel posting
// to hookURL and asks where each lives (which activates it).
func (c *benchCluster) signUp(ctx context.Context, hookURL string, n int) ([]*clusterTenant, error) {
	list := make([]*clusterTenant, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range list {
		g.Go(func() error {
			m := c.members[i%len(c.members)]
			var reg struct {
				Token  string `json:"token"`
				Tenant struct {
					TenantID uuid.UUID `json:"tenantId"`
				} `json:"tenant"`
			}
			email := "owner-" + randomHex(6) + "@bench.example"
			if err := callJSON(gctx, "POST", m.baseURL+"/api/auth/register", "", map[string]string{"email": email,
				"password": benchPassword, "businessName": "Bench cluster " + strconv.Itoa(i)}, &reg); err != nil {
				return fmt.Errorf("signing up: %w", err)
			}
			t := &clusterTenant{id: reg.Tenant.TenantID, token: reg.Token}
			var ch struct {
				ChannelID     string `json:"channelId"`
				WebhookSecret string `json:"webhookSecret"`
			}
			m = c.members[(i+1)%len(c.members)]
			if err := callJSON(gctx, "POST", m.baseURL+"/api/channels", t.token, map[string]any{"platformType": "API",
				"channelName": "bench", "webhookUrl": hookURL}, &ch); err != nil {
				return fmt.Errorf("creating an API channel: %w", err)
			}
			t.channel, t.secret = ch.ChannelID, ch.WebhookSecret
			var d struct {
				Tenant struct {
					Member string `json:"member"`
				} `json:"tenant"`
			}
			if err := c.ops(c.members[0], "/api/ops/tenants/"+t.id.String(), &d); err != nil {
				return fmt.Errorf("asking where a tenant lives: %w", err)
			}
			if t.host = c.indexOf(d.Tenant.Member); t.host < 0 {
				return fmt.Errorf("tenant %s lives on unknown member %q", t.id, d.Tenant.Member)
			}
			list[i] = t
			return nil
		})
	}
	return list, g.Wait()
}

// inbound posts producer p's next message, stamped with at, to member m; it returns the platform message
// id and the HTTP status (0 when the request failed).
func (c *benchCluster) inbound(m *member, p *clusterProducer, at time.Time) (string, int) {
	p.seq++
	id := platformMessageID(p.ti, p.ci, p.seq, at)
	cust := strconv.Itoa(p.ci)
	body := []byte(`{"platformMessageId":"` + id + `","from":{"platformCustomerId":"cust-` + cust +
		`","fullName":"Customer ` + cust + `"},"content":"Hi, is my order ` + strconv.Itoa(p.seq) + ` on its way? Thanks!"}`)
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.Header.SetMethod("POST")
	req.SetRequestURI(m.baseURL + p.path)
	req.Header.SetContentType("application/json")
	ts := time.Now().Unix()
	req.Header.Set(sessions.TimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(sessions.SignatureHeader, sessions.SignTimed(p.t.secret, ts, body))
	req.SetBodyRaw(body)
	if err := m.client.Do(req, res); err != nil {
		return id, 0
	}
	return id, res.StatusCode()
}

// get sends an authenticated GET to member m and returns the status (0 when the request failed).
func (c *benchCluster) get(m *member, path, token string) int {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(m.baseURL + path)
	req.Header.Set("Authorization", "Bearer "+token)
	if err := m.client.DoTimeout(req, res, 15*time.Second); err != nil {
		return 0
	}
	return res.StatusCode()
}

// warmUp sends every chat's first message (customers and chats are created), 64 at a time.
func (c *benchCluster) warmUp(ctx context.Context, ps []*clusterProducer) error {
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(64)
	for i, p := range ps {
		g.Go(func() error {
			id, status := c.inbound(c.members[i%len(c.members)], p, time.Now())
			if status != http.StatusAccepted {
				return fmt.Errorf("first message of chat %d of tenant %d: status %d", p.ci, p.ti, status)
			}
			p.acked = append(p.acked, id)
			return nil
		})
	}
	return g.Wait()
}

// shortClient makes the bench's control calls to members (readiness, operator views).
var shortClient = &http.Client{Timeout: 5 * time.Second}

// waitFor polls cond every 50 ms until it holds, fails, the deadline passes or ctx ends.
func waitFor(ctx context.Context, deadline time.Time, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
