package httpapi

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/config"
)

func TestVerifiedTokensAreCachedUntilTheyExpire(t *testing.T) {
	cfg := config.Defaults()
	cfg.JWTSecret = "0123456789abcdef0123456789abcdef"
	cfg.TokenTTL = time.Hour
	a := newAuthenticator(cfg)
	u := accounts.User{UserID: uuid.New(), TenantID: uuid.New(), Role: "AGENT"}
	token, err := a.issue(u)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.verify(token)
	if err != nil || p.UserID != u.UserID || p.TenantID != u.TenantID || p.Role != "AGENT" {
		t.Fatalf("verify: %+v, %v", p, err)
	}
	if _, ok := a.verified.get(token, time.Now()); !ok {
		t.Fatal("a verified token is not cached")
	}
	if _, ok := a.verified.get(token, time.Now().Add(tokenCacheTTL+time.Second)); ok {
		t.Fatal("a cached token outlives the cache TTL")
	}
	// A tampered token is refused and never cached.
	bad := token[:len(token)-2] + "xx"
	if _, err := a.verify(bad); err == nil {
		t.Fatal("a tampered token verified")
	}
	if _, ok := a.verified.get(bad, time.Now()); ok {
		t.Fatal("a refused token is cached")
	}
	// An entry never outlives the token's own expiry.
	a.verified.put("t", p, time.Now().Add(time.Second), time.Now())
	if _, ok := a.verified.get("t", time.Now().Add(2*time.Second)); ok {
		t.Fatal("a cached token outlives its expiry")
	}
}

func TestChannelRoutesAreCachedForTenMinutes(t *testing.T) {
	c := newRouteCache()
	channel, tenant, now := uuid.New(), uuid.New(), time.Now()
	if _, ok := c.get(channel, now); ok {
		t.Fatal("an unknown channel is cached")
	}
	c.put(channel, tenant, now)
	if got, ok := c.get(channel, now.Add(routeCacheTTL-time.Second)); !ok || got != tenant {
		t.Fatalf("cached route: %v %v", got, ok)
	}
	if _, ok := c.get(channel, now.Add(routeCacheTTL)); ok {
		t.Fatal("a route outlives the cache TTL")
	}
	// Full, the cache starts again empty rather than growing.
	for range routeCacheMax {
		c.put(uuid.New(), tenant, now)
	}
	if n := len(c.cache.entries); n > routeCacheMax {
		t.Fatalf("%d entries, bound %d", n, routeCacheMax)
	}
}
