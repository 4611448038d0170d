package httpapi

import (
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// expiringCache is a map whose entries each have a deadline. It is emptied when it reaches max entries,
// which bounds its memory without tracking use; the callers' lookups are cheap enough to redo after that.
type expiringCache[K comparable, V any] struct {
	max     int
	mu      sync.RWMutex
	entries map[K]expiring[V]
}

func newExpiringCache[K comparable, V any](max int) expiringCache[K, V] {
	return expiringCache[K, V]{max: max, entries: make(map[K]expiring[V])}
}

type expiring[V any] struct {
	value V
	until time.Time
}

func (c *expiringCache[K, V]) get(key K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *expiringCache[K, V]) put(key K, value V, until time.Time) {
	c.mu.Lock()
	if len(c.entries) >= c.max {
		c.entries = make(map[K]expiring[V])
	}
	c.entries[key] = expiring[V]{value: value, until: until}
	c.mu.Unlock()
}

// tokenCache remembers tokens that verified, so that a client sending many requests with one token pays for
// the JWT parse and HMAC once: they were 44% of the CPU of a send's HTTP handler (about 18 µs a request).
// Only successful verifications are kept, an entry never outlives its token's expiry nor tokenCacheTTL, and
// the cache is emptied when it reaches tokenCacheMax entries. The key is the whole token: a token that
// verified once verifies again until it expires, since the signing key does not change while a node runs.
type tokenCache struct {
	cache expiringCache[string, principal]
}

func newTokenCache() *tokenCache {
	return &tokenCache{cache: newExpiringCache[string, principal](tokenCacheMax)}
}

const (
	tokenCacheTTL = time.Minute
	tokenCacheMax = 16384
)

func (c *tokenCache) get(token string, now time.Time) (principal, bool) {
	return c.cache.get(token, now)
}

func (c *tokenCache) put(token string, p principal, expires, now time.Time) {
	until := now.Add(tokenCacheTTL)
	if expires.Before(until) {
		until = expires
	}
	// Fiber's header strings alias its request buffers: keep a copy.
	c.cache.put(strings.Clone(token), p, until)
}

// routeCache remembers which tenant owns a channel, for the signed calls of API channels (inbound messages
// and status callbacks): without it every call read channel_routes in the master database, 12% of a
// cluster member's CPU in the bench's ingest over HTTP. A channel never changes tenant, so an entry can only
// be stale after the channel is deleted; the tenant then answers 404 itself (it checks the channel and its
// signature), as the master would have. Unknown channels are not remembered.
type routeCache struct {
	cache expiringCache[uuid.UUID, uuid.UUID]
}

func newRouteCache() *routeCache {
	return &routeCache{cache: newExpiringCache[uuid.UUID, uuid.UUID](routeCacheMax)}
}

const (
	routeCacheTTL = 10 * time.Minute
	routeCacheMax = 65536
)

func (c *routeCache) get(channelID uuid.UUID, now time.Time) (uuid.UUID, bool) {
	return c.cache.get(channelID, now)
}

func (c *routeCache) put(channelID, tenantID uuid.UUID, now time.Time) {
	c.cache.put(channelID, tenantID, now.Add(routeCacheTTL))
}
