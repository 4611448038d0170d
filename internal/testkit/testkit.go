// Package testkit starts real engines for tests: each test gets its own master database on the shared test
// PostgreSQL (AEZEN_TEST_DATABASE_URL, started by make test), a node and an HTTP server on a random port,
// and everything it created is dropped when the test ends.
package testkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"golang.org/x/crypto/bcrypt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/engine"
	"github.com/aezen/engine/persistence"
)

// DatabaseURL returns the test server's URL or fails the test with what to do.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("AEZEN_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("AEZEN_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a private PostgreSQL")
	}
	return url
}

// SecondDatabaseURL returns a second test server's URL (AEZEN_TEST_DATABASE_URL_2, started by make test) for
// the tests of tenants across servers, or fails the test with what to do.
func SecondDatabaseURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("AEZEN_TEST_DATABASE_URL_2")
	if url == "" {
		t.Fatal("AEZEN_TEST_DATABASE_URL_2 is not set: run the tests with `make test`, which starts a second private PostgreSQL")
	}
	return url
}

// Config returns a test configuration on a fresh master database name.
func Config(t testing.TB) *config.Config {
	cfg := config.Defaults()
	cfg.DatabaseURL = DatabaseURL(t)
	cfg.MasterDB = "aezen_test_" + randomHex(6)
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.JWTSecret = randomHex(32)
	cfg.EncryptionKey = base64.StdEncoding.EncodeToString([]byte(randomHex(16)))
	cfg.OpsToken = randomHex(16)
	cfg.DataDir = t.TempDir()
	// Tests sign up many tenants from 127.0.0.1; the tests of the sign-up limits set their own.
	cfg.SignupPerAddress, cfg.SignupGlobal = 1_000_000, 1_000_000
	cfg.RequestTimeout = 10 * time.Second
	// bcrypt at its minimum cost: a default-cost hash takes ~0.5 s under -race and tests hash a lot.
	cfg.PasswordCost = bcrypt.MinCost
	cfg.WebhookBackoff = 50 * time.Millisecond
	cfg.WebhookMaxBackoff = 200 * time.Millisecond
	cfg.WebhookTimeout = 2 * time.Second
	return cfg
}

// Engine is a running node under test.
type Engine struct {
	*engine.Engine
	*Client
	Cfg     *config.Config
	t       testing.TB
	stopped bool
}

// Start runs a node with cfg (from Config, possibly adjusted) and stops it and drops its databases at cleanup.
func Start(t testing.TB, cfg *config.Config) *Engine {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("AEZEN_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	eng, err := engine.Start(context.Background(), cfg, log, startOptions(cfg)...)
	if err != nil {
		t.Fatalf("starting engine: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = eng.Server.App.Listener(ln) }()
	e := &Engine{Engine: eng, Client: NewClient(t, "http://"+ln.Addr().String()), Cfg: cfg, t: t}
	t.Cleanup(func() {
		e.Stop()
		DropDatabases(t, cfg)
	})
	return e
}

// StartDefault starts a node with the test defaults.
func StartDefault(t testing.TB) *Engine { return Start(t, Config(t)) }

// Stop stops the node (once); its databases stay until cleanup.
func (e *Engine) Stop() {
	if !e.stopped {
		e.stopped = true
		e.Engine.Stop()
	}
}

// DropDatabases removes the master database of cfg and every tenant database it lists, on its server.
func DropDatabases(t testing.TB, cfg *config.Config) {
	ctx := context.Background()
	servers, err := engine.OpenServers(ctx, cfg)
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer servers.Close()
	if url, err := persistence.WithDatabase(cfg.DatabaseURL, cfg.MasterDB); err == nil {
		if m, err := persistence.OpenMasterExisting(ctx, url); err == nil {
			tenants, _ := m.ListTenants(ctx)
			m.Close()
			for _, tn := range tenants {
				if srv, err := servers.Get(tn.Server); err == nil {
					_ = srv.Admin.DropDatabase(ctx, tn.DatabaseName)
				}
			}
		}
	}
	def, _ := servers.Get(persistence.DefaultServer)
	_ = def.Admin.DropDatabase(ctx, cfg.MasterDB)
}

// Response is an HTTP answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// ErrorCode is the code of an error envelope, or "".
func (r Response) ErrorCode() string {
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &env)
	return env.Error.Code
}

// Do sends a request with an optional bearer token and body (a []byte or string is sent as is; anything
// else as JSON) and extra headers given as "Name: value".
func (e *Client) Do(method, path, token string, body any, headers ...string) Response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.BaseURL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Must is Do that fails the test unless the status is want, decoding the body into out when given.
func (e *Client) Must(want int, method, path, token string, body, out any, headers ...string) Response {
	e.t.Helper()
	r := e.Do(method, path, token, body, headers...)
	if r.Status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.JSON(e.t, out)
	}
	return r
}

// Account is a signed-up tenant owner.
type Account struct {
	Token    string
	TenantID string
	UserID   string
	Email    string
	Password string
}

// SignUp registers a new tenant with a fresh owner.
func (e *Client) SignUp() Account {
	e.t.Helper()
	email := "owner-" + randomHex(5) + "@example.com"
	var res struct {
		Token string `json:"token"`
		User  struct {
			UserID string `json:"userId"`
		} `json:"user"`
		Tenant struct {
			TenantID string `json:"tenantId"`
		} `json:"tenant"`
	}
	e.Must(http.StatusCreated, "POST", "/api/auth/register", "", map[string]any{
		"email": email, "password": "correct-horse-battery", "businessName": "Brand " + randomHex(3)}, &res)
	return Account{Token: res.Token, TenantID: res.Tenant.TenantID, UserID: res.User.UserID, Email: email, Password: "correct-horse-battery"}
}

// Eventually polls cond every 10 ms until it holds or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RandomID returns a short random hex string for unique test names.
func RandomID() string { return randomHex(6) }

// AddUser makes a team member with role (the caller's token must allow it) and logs them in.
func (e *Client) AddUser(ownerToken, role string) Account {
	e.t.Helper()
	email := strings.ToLower(role) + "-" + randomHex(5) + "@example.com"
	var u struct {
		UserID   string `json:"userId"`
		TenantID string `json:"tenantId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/users", ownerToken, map[string]any{"email": email, "password": "correct-horse-battery", "role": role}, &u)
	return Account{Token: e.Login(email, "correct-horse-battery"), TenantID: u.TenantID, UserID: u.UserID, Email: email, Password: "correct-horse-battery"}
}

// Login logs in and returns the token.
func (e *Client) Login(email, password string) string {
	e.t.Helper()
	var res struct {
		Token string `json:"token"`
	}
	e.Must(http.StatusOK, "POST", "/api/auth/login", "", map[string]any{"email": email, "password": password}, &res)
	return res.Token
}
