package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

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

	for name, tok := range map[string]string{"alg none": none, "HS512": hs512, "re-signed": resigned, "expired": expired,
		"tampered payload": tampered, "garbage": "abc.def.ghi"} {
		t.Run(name, func(t *testing.T) {
			r := e.Do("GET", "/api/auth/me", tok, nil)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
		})
	}
	if r := e.Do("GET", "/api/auth/me", "", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.Status)
	}
	if r := e.Do("GET", "/api/users", "", nil, "Authorization: Basic abc"); r.Status != http.StatusUnauthorized {
		t.Fatalf("basic auth: %d", r.Status)
	}
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
