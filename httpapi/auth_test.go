package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/golang-jwt/jwt/v5"

	"github.com/aezen/engine/internal/testkit"
)

func TestRegisterLoginMe(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()

	var login struct {
		Token string `json:"token"`
		User  struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"user"`
		Tenant struct {
			TenantID string `json:"tenantId"`
			Status   string `json:"status"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "POST", "/api/auth/login", "", map[string]string{"email": acct.Email, "password": acct.Password}, &login)
	if login.User.Role != "OWNER" || login.Tenant.TenantID != acct.TenantID || login.Tenant.Status != "ACTIVE" {
		t.Fatalf("login answered %+v", login)
	}
	var me struct {
		User struct {
			UserID string `json:"userId"`
		} `json:"user"`
		Tenant struct {
			TenantID string `json:"tenantId"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "GET", "/api/auth/me", login.Token, nil, &me)
	if me.User.UserID != acct.UserID || me.Tenant.TenantID != acct.TenantID {
		t.Fatalf("me answered %+v", me)
	}
}

func TestRegisterRejectsBadInputAndDuplicates(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	cases := []struct {
		name string
		body any
		want int
	}{
		{"malformed JSON", `{"email":`, http.StatusBadRequest},
		{"wrong type", map[string]any{"email": 5, "password": "long-enough", "businessName": "x"}, http.StatusBadRequest},
		{"unknown field", map[string]any{"email": "a@b.co", "password": "long-enough", "businessName": "x", "admin": true}, http.StatusBadRequest},
		{"missing businessName", map[string]any{"email": "a@b.co", "password": "long-enough"}, http.StatusBadRequest},
		{"short password", map[string]any{"email": "a@b.co", "password": "short", "businessName": "x"}, http.StatusBadRequest},
		{"bad email", map[string]any{"email": "not-an-email", "password": "long-enough", "businessName": "x"}, http.StatusBadRequest},
		{"empty body", "", http.StatusBadRequest},
		{"taken email, other case", map[string]any{"email": upper(acct.Email), "password": "long-enough", "businessName": "x"}, http.StatusConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Do("POST", "/api/auth/register", "", tc.body)
			if r.Status != tc.want || r.ErrorCode() == "" {
				t.Fatalf("status %d (want %d), body %s", r.Status, tc.want, r.Body)
			}
		})
	}
	// The server refuses an oversized body from its Content-Length, before reading it.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.BaseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", e.Cfg.MaxBodyBytes+10)
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "413") {
		t.Fatalf("oversized body: %q %v", status, err)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestLoginFailuresAreUniformAndRateLimited(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.LoginMaxFailures = 3
	e := testkit.Start(t, cfg)
	acct := e.SignUp()

	unknown := e.Do("POST", "/api/auth/login", "", map[string]string{"email": "nobody@example.com", "password": "whatever-long"})
	wrong := e.Do("POST", "/api/auth/login", "", map[string]string{"email": acct.Email, "password": "wrong-password"})
	if unknown.Status != http.StatusUnauthorized || wrong.Status != http.StatusUnauthorized || string(unknown.Body) != string(wrong.Body) {
		t.Fatalf("unknown email %d %s vs wrong password %d %s", unknown.Status, unknown.Body, wrong.Status, wrong.Body)
	}
	var last testkit.Response
	for i := 0; i < 4; i++ {
		last = e.Do("POST", "/api/auth/login", "", map[string]string{"email": acct.Email, "password": "wrong-password"})
	}
	if last.Status != http.StatusTooManyRequests || last.ErrorCode() != "rate_limited" {
		t.Fatalf("after repeated failures: %d %s", last.Status, last.Body)
	}
}

func TestTokenAttacksAreRefused(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	parsed, _, err := jwt.NewParser().ParseUnverified(acct.Token, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	claims := parsed.Claims.(jwt.MapClaims)

	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString([]byte(e.Cfg.JWTSecret))
	resigned, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("another-secret-of-sufficient-length!!"))
	expiredClaims := jwt.MapClaims{}
	for k, v := range claims {
		expiredClaims[k] = v
	}
	expiredClaims["exp"] = time.Now().Add(-time.Minute).Unix()
	expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, expiredClaims).SignedString([]byte(e.Cfg.JWTSecret))
	otherTenant := jwt.MapClaims{}
	for k, v := range claims {
		otherTenant[k] = v
	}
	otherTenant["tid"] = "00000000-0000-0000-0000-000000000001"
	tampered := tamperPayload(t, acct.Token, otherTenant)

	// Every protected surface checks the token the same way: routes that read, a route that writes, and the
	// WebSocket upgrade with the token in the query or in Sec-WebSocket-Protocol. The real token works on
	// each first, so a refusal below is the token's doing.
	protected := []struct {
		method, path string
		body         any
		ok           int
	}{
		{"GET", "/api/auth/me", nil, http.StatusOK},
		{"GET", "/api/conversations", nil, http.StatusOK},
		{"GET", "/api/users", nil, http.StatusOK},
		{"GET", "/api/integrations/whatsapp/status", nil, http.StatusOK},
		{"POST", "/api/products", map[string]any{"name": "Mallory's mug", "price": "1", "currency": "USD"}, http.StatusCreated},
	}
	for _, p := range protected {
		if r := e.Do(p.method, p.path, acct.Token, p.body); r.Status != p.ok {
			t.Fatalf("%s %s with the real token: %d %s", p.method, p.path, r.Status, r.Body)
		}
	}
	for _, viaProtocol := range []bool{false, true} {
		if status, err := dialWS(e, acct.Token, viaProtocol); err != nil {
			t.Fatalf("WebSocket with the real token (in Sec-WebSocket-Protocol: %v): %d %v", viaProtocol, status, err)
		}
	}
	var products struct {
		Data []json.RawMessage `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/products", acct.Token, nil, &products)
	made := len(products.Data)

	for name, tok := range map[string]string{"alg none": none, "HS512": hs512, "re-signed": resigned, "expired": expired,
		"tampered payload": tampered, "garbage": "abc.def.ghi"} {
		t.Run(name, func(t *testing.T) {
			for _, p := range protected {
				if r := e.Do(p.method, p.path, tok, p.body); r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
					t.Errorf("%s %s: %d %s", p.method, p.path, r.Status, r.Body)
				}
			}
			for _, viaProtocol := range []bool{false, true} {
				if status, err := dialWS(e, tok, viaProtocol); err == nil || status != http.StatusUnauthorized {
					t.Errorf("WebSocket (token in Sec-WebSocket-Protocol: %v): status %d, %v", viaProtocol, status, err)
				}
			}
		})
	}
	e.Must(http.StatusOK, "GET", "/api/products", acct.Token, nil, &products)
	if len(products.Data) != made {
		t.Fatalf("refused tokens created products: %d, want %d", len(products.Data), made)
	}
	if r := e.Do("GET", "/api/auth/me", "", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.Status)
	}
	if r := e.Do("GET", "/api/users", "", nil, "Authorization: Basic abc"); r.Status != http.StatusUnauthorized {
		t.Fatalf("basic auth: %d", r.Status)
	}
}

// dialWS opens the engine's WebSocket with token in the query or as a subprotocol and closes it; it returns
// the HTTP status of the upgrade's answer.
func dialWS(e *testkit.Engine, token string, viaProtocol bool) (int, error) {
	url := "ws" + strings.TrimPrefix(e.BaseURL, "http") + "/ws"
	d := &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	if viaProtocol {
		d.Subprotocols = []string{"aezen.v1", token}
	} else {
		url += "?token=" + token
	}
	conn, res, err := d.Dial(url, nil)
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	if conn != nil {
		conn.Close()
	}
	return status, err
}

// tamperPayload swaps a token's payload while keeping its original signature.
func tamperPayload(t *testing.T, token string, claims jwt.MapClaims) string {
	t.Helper()
	forged, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	orig := splitToken(token)
	f := splitToken(forged)
	return orig[0] + "." + f[1] + "." + orig[2]
}

func splitToken(tok string) [3]string {
	var out [3]string
	i := 0
	start := 0
	for j := 0; j < len(tok); j++ {
		if tok[j] == '.' {
			out[i] = tok[start:j]
			i++
			start = j + 1
		}
	}
	out[2] = tok[start:]
	return out
}
