package httpapi_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 4: the login limiter kept the unvalidated email in its key, so 400 logins with a 1 MiB email
// took a node from 229 MB to 1,370 MB. The email is validated first and only a hash of it is kept.
func TestHugeLoginEmailsDoNotGrowTheHeap(t *testing.T) {
	e := testkit.StartDefault(t)
	e.SignUp()
	body := `{"email":"` + strings.Repeat("a", 512<<10) + `@example.com","password":"wrong-password"}`
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := 0; i < 60; i++ {
		// Each email differs, as an attacker's would, so that no two share a limiter entry.
		r := e.Do("POST", "/api/auth/login", "", strings.Replace(body, "aaaa", testkit.RandomID(), 1))
		if r.Status != http.StatusBadRequest {
			t.Fatalf("a 512 KiB email: %d %s", r.Status, r.Body)
		}
	}
	if grown := int64(heap()) - int64(before); grown > 12<<20 {
		t.Fatalf("60 logins with 512 KiB emails grew the heap by %d MB", grown>>20)
	}
}

// Password spraying: one address trying one password on many emails is refused after
// AEZEN_LOGIN_MAX_FAILURES_PER_ADDRESS failures, even on an email it has not tried; other addresses are not.
func TestLoginSprayingIsLimitedPerAddress(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.LoginMaxFailures, cfg.LoginMaxFailuresPerAddress = 3, 5
	e := testkit.Start(t, cfg)
	victim := e.SignUp()
	for i := 0; i < 5; i++ {
		r := e.Do("POST", "/api/auth/login", "", obj{"email": "user" + testkit.RandomID() + "@example.com", "password": "Summer2026!"})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := e.Do("POST", "/api/auth/login", "", obj{"email": victim.Email, "password": "Summer2026!"})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth email from the spraying address: %d (Retry-After %q) %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	e.From("127.0.0.2").Must(http.StatusOK, "POST", "/api/auth/login", "", obj{"email": victim.Email, "password": victim.Password}, nil)
}

// Each sign-up creates a database (20 in 6.5 s added 51 MB): they are limited per address and per node.
func TestSignUpsAreRateLimited(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.SignupPerAddress, cfg.SignupGlobal = 2, 3
	e := testkit.Start(t, cfg)
	signUp := func(c *testkit.Client) testkit.Response {
		return c.Do("POST", "/api/auth/register", "", obj{"email": "s-" + testkit.RandomID() + "@example.com",
			"password": "long-enough-pw", "businessName": "B"})
	}
	for i := 0; i < 2; i++ {
		if r := signUp(e.Client); r.Status != http.StatusCreated {
			t.Fatalf("sign-up %d: %d %s", i, r.Status, r.Body)
		}
	}
	expect429 := func(what string, r testkit.Response) {
		t.Helper()
		if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "rate_limited" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: %d (Retry-After %q) %s", what, r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	expect429("third sign-up from one address", signUp(e.Client))
	other := e.From("127.0.0.2")
	if r := signUp(other); r.Status != http.StatusCreated {
		t.Fatalf("sign-up from another address: %d %s", r.Status, r.Body)
	}
	expect429("fourth sign-up on the node", signUp(other))
	// A refused sign-up created nothing.
	var tenants int
	if err := e.Deps.Master.Pool.QueryRow(t.Context(), "SELECT count(*) FROM tenants").Scan(&tenants); err != nil || tenants != 3 {
		t.Fatalf("%d tenants (%v), want 3", tenants, err)
	}
}
