package httpapi

import (
	"crypto/sha256"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
)

// limiterTableSize bounds every table of counters below. Keys are fixed-size (a hash or an address), so a
// full table is a few MB; when it is full the least recently used entry goes. An attacker who wants to push
// out their own counter needs that many failed logins first, which the per-address limit refuses.
const limiterTableSize = 65536

// window is a fixed-window counter.
type window struct {
	start time.Time
	n     int
}

// windowCounters counts events per key in fixed windows, in a bounded table.
type windowCounters[K comparable] struct {
	mu     sync.Mutex
	length time.Duration
	table  *lru.Cache[K, window]
}

func newWindowCounters[K comparable](length time.Duration) *windowCounters[K] {
	table, _ := lru.New[K, window](limiterTableSize)
	return &windowCounters[K]{length: length, table: table}
}

// count is the key's events in the current window and when that window ends.
func (w *windowCounters[K]) count(key K, now time.Time) (int, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.table.Peek(key)
	if !ok || now.Sub(c.start) >= w.length {
		return 0, now
	}
	return c.n, c.start.Add(w.length)
}

func (w *windowCounters[K]) add(key K, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.table.Get(key)
	if !ok || now.Sub(c.start) >= w.length {
		c = window{start: now}
	}
	c.n++
	w.table.Add(key, c)
}

// loginGuard refuses logins after too many failures: per email and address (AEZEN_LOGIN_MAX_FAILURES), and
// per address across all emails (AEZEN_LOGIN_MAX_FAILURES_PER_ADDRESS: password spraying). Only wrong
// credentials count; a login that failed because the database was down does not. The email is validated
// before it gets here and only its hash is kept, so the table's memory does not depend on the input.
type loginGuard struct {
	perEmail, perAddress int
	byEmail              *windowCounters[[sha256.Size]byte]
	byAddress            *windowCounters[string]
}

func newLoginGuard(cfg *config.Config) *loginGuard {
	return &loginGuard{perEmail: cfg.LoginMaxFailures, perAddress: cfg.LoginMaxFailuresPerAddress,
		byEmail: newWindowCounters[[sha256.Size]byte](cfg.LoginWindow), byAddress: newWindowCounters[string](cfg.LoginWindow)}
}

func emailKey(ip, email string) [sha256.Size]byte { return sha256.Sum256([]byte(ip + "\x00" + email)) }

// check answers 429 (with Retry-After) when the address or the email from it has failed too often.
func (g *loginGuard) check(c *fiber.Ctx, ip, email string, now time.Time) error {
	if n, until := g.byAddress.count(ip, now); n >= g.perAddress {
		return rateLimited(c, until.Sub(now), "too many failed logins from this address, try again later")
	}
	if n, until := g.byEmail.count(emailKey(ip, email), now); n >= g.perEmail {
		return rateLimited(c, until.Sub(now), "too many failed logins, try again later")
	}
	return nil
}

func (g *loginGuard) failed(ip, email string, now time.Time) {
	g.byAddress.add(ip, now)
	g.byEmail.add(emailKey(ip, email), now)
}

// signupGuard rate-limits sign-ups, each of which creates a database: token buckets per address
// (AEZEN_SIGNUP_PER_ADDRESS per AEZEN_SIGNUP_WINDOW) and for the whole node (AEZEN_SIGNUP_GLOBAL).
type signupGuard struct {
	mu        sync.Mutex
	every     rate.Limit
	burst     int
	byAddress *lru.Cache[string, *rate.Limiter]
	global    *rate.Limiter
}

func newSignupGuard(cfg *config.Config) *signupGuard {
	table, _ := lru.New[string, *rate.Limiter](limiterTableSize)
	perWindow := func(n int) rate.Limit { return rate.Limit(float64(n) / cfg.SignupWindow.Seconds()) }
	return &signupGuard{every: perWindow(cfg.SignupPerAddress), burst: cfg.SignupPerAddress, byAddress: table,
		global: rate.NewLimiter(perWindow(cfg.SignupGlobal), cfg.SignupGlobal)}
}

// allow takes a sign-up from the address's bucket and the node's, or answers 429 with Retry-After.
func (g *signupGuard) allow(c *fiber.Ctx, ip string, now time.Time) error {
	g.mu.Lock()
	lim, ok := g.byAddress.Get(ip)
	if !ok {
		lim = rate.NewLimiter(g.every, g.burst)
		g.byAddress.Add(ip, lim)
	}
	g.mu.Unlock()
	mine := lim.ReserveN(now, 1)
	if d := mine.DelayFrom(now); d > 0 {
		mine.CancelAt(now)
		return rateLimited(c, d, "too many sign-ups from this address, try again later")
	}
	if all := g.global.ReserveN(now, 1); all.DelayFrom(now) > 0 {
		d := all.DelayFrom(now)
		all.CancelAt(now)
		mine.CancelAt(now)
		return rateLimited(c, d, "too many sign-ups right now, try again later")
	}
	return nil
}

// rateLimited is a 429 that tells the client when to come back.
func rateLimited(c *fiber.Ctx, after time.Duration, msg string) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(max(after, time.Second).Seconds()))))
	return &domain.Error{Code: domain.CodeRateLimited, Message: msg}
}
