package httpapi_test

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 10: inputs that were answered 500 are 4xx now, each with the error envelope.
func TestBadInputsAreAnswered4xxNot500(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.ReadTimeout = time.Second
	e := testkit.Start(t, cfg)
	tn := newTenant(t, e)
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(tn.acct.Token, hook.URL)
	in, _ := ch.Inbound("m-1", "nul-visitor", "hello")
	customer := tn.customer(t, "c-"+testkit.RandomID(), nil)

	t.Run("NUL in any JSON string", func(t *testing.T) {
		const nul = "a\x00b" // encoded by json.Marshal as "a\u0000b"
		cases := []struct {
			name, method, path string
			body               any
		}{
			{"sign-up business name", "POST", "/api/auth/register", obj{"email": "n-" + testkit.RandomID() + "@example.com", "password": "long-enough-pw", "businessName": nul}},
			{"login email", "POST", "/api/auth/login", obj{"email": nul, "password": "whatever-long"}},
			{"product name", "POST", "/api/products", obj{"name": nul, "price": "1.00", "currency": "USD"}},
			{"product description", "POST", "/api/products", obj{"name": "p", "price": "1.00", "currency": "USD", "description": nul}},
			{"customer metadata (jsonb)", "POST", "/api/customers", obj{"channelId": tn.channel, "platformCustomerId": "x", "metadata": obj{"k": nul}}},
			{"metadata key", "PUT", "/api/customers/" + id(customer, "customerId"), obj{"metadata": obj{nul: 1}}},
			{"channel name", "POST", "/api/channels", obj{"platformType": "SHOPIFY", "channelName": nul}},
			{"send metadata", "POST", "/api/conversations/" + in.ChatID + "/send", obj{"content": "x", "metadata": obj{"k": nul}}},
			{"user full name", "PUT", "/api/users/" + tn.acct.UserID, obj{"fullName": nul}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do(tc.method, tc.path, tc.body), http.StatusBadRequest)
			})
		}
		t.Run("signed inbound", func(t *testing.T) {
			r := ch.Post("inbound", obj{"platformMessageId": "m-nul", "from": obj{"platformCustomerId": "v", "fullName": nul}, "content": "hi"})
			expectError(t, r, http.StatusBadRequest)
		})
		t.Run("an escaped backslash before u0000 is text", func(t *testing.T) {
			tn.must(t, http.StatusCreated, "POST", "/api/products", obj{"name": `C:\u0000`, "price": "1.00", "currency": "USD"}, nil)
		})
	})

	t.Run("password over 72 bytes", func(t *testing.T) {
		long := strings.Repeat("é", 40) // 40 characters, 80 bytes
		for name, r := range map[string]testkit.Response{
			"sign-up":     e.Do("POST", "/api/auth/register", "", obj{"email": "p-" + testkit.RandomID() + "@example.com", "password": long, "businessName": "B"}),
			"login":       e.Do("POST", "/api/auth/login", "", obj{"email": tn.acct.Email, "password": long}),
			"new member":  tn.do("POST", "/api/users", obj{"email": "m-" + testkit.RandomID() + "@example.com", "password": long, "role": "AGENT"}),
			"change mine": tn.do("PUT", "/api/users/"+tn.acct.UserID, obj{"password": long}),
		} {
			t.Run(name, func(t *testing.T) {
				env := expectError(t, r, http.StatusBadRequest, "password")
				if !strings.Contains(env.Error.Fields[0].Message, "72 bytes") {
					t.Fatalf("message does not say the limit is in bytes: %s", r.Body)
				}
			})
		}
	})

	t.Run("request line or headers over the limit", func(t *testing.T) {
		// Exactly the limit, with no end of headers: the server reads all of it (so it closes the connection
		// without unread data, which would make it a reset) and finds the buffer full.
		pad := func(start string) string { return start + strings.Repeat("s", e.Cfg.MaxHeaderBytes-len(start)) }
		for name, req := range map[string]string{
			"a long ?search=": pad("GET /api/conversations?search="),
			"a long header":   pad("GET /api/conversations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tn.acct.Token + "\r\nX-Padding: "),
		} {
			t.Run(name, func(t *testing.T) {
				if status := rawStatus(t, e, req); status != http.StatusRequestHeaderFieldsTooLarge {
					t.Fatalf("status %d", status)
				}
			})
		}
	})

	t.Run("a body slower than the read timeout", func(t *testing.T) {
		status := rawStatus(t, e, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
		if status != http.StatusRequestTimeout {
			t.Fatalf("slow body: status %d", status)
		}
	})
}

// rawStatus writes data on a new connection, then waits (up to 10 s) for the status of the answer.
func rawStatus(t *testing.T, e *testkit.Engine, data string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.BaseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

// Issue 13, items 4 and 10: while PostgreSQL is unreachable the API answers 503 with Retry-After (not 500),
// and logins refused then are not failed logins: the right password works as soon as it is back.
func TestDatabaseOutageAnswers503AndIsNotAFailedLogin(t *testing.T) {
	cfg := testkit.Config(t)
	proxy := testkit.NewDBProxy(t, cfg.DatabaseURL)
	cfg.DatabaseURL = proxy.URL
	cfg.LoginMaxFailures = 2
	e := testkit.Start(t, cfg)
	defer proxy.Restore()
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:9/hook")
	if _, r := ch.Inbound("m-1", "v", "before the outage"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}

	proxy.Cut()
	for i := 0; i < 2*cfg.LoginMaxFailures+1; i++ {
		r := e.Do("POST", "/api/auth/login", "", obj{"email": acct.Email, "password": acct.Password})
		expect503(t, "login", r)
	}
	expect503(t, "me", e.Do("GET", "/api/auth/me", acct.Token, nil))
	expect503(t, "sign-up", e.Do("POST", "/api/auth/register", "", obj{"email": "o-" + testkit.RandomID() + "@example.com", "password": "long-enough-pw", "businessName": "B"}))
	expect503(t, "inbox", e.Do("GET", "/api/conversations", acct.Token, nil))
	expect503(t, "signed inbound", ch.Post("inbound", obj{"platformMessageId": "m-2", "from": obj{"platformCustomerId": "v"}, "content": "during"}))

	proxy.Restore()
	testkit.Eventually(t, 10*time.Second, "login after the outage", func() bool {
		r := e.Do("POST", "/api/auth/login", "", obj{"email": acct.Email, "password": acct.Password})
		if r.Status == http.StatusTooManyRequests {
			t.Fatalf("the right password is refused after the outage: %d %s", r.Status, r.Body)
		}
		return r.Status == http.StatusOK
	})
	// The tenant pool finds its cut connections broken on first use (503 at most for those), then recovers.
	testkit.Eventually(t, 10*time.Second, "the inbox after the outage", func() bool {
		r := e.Do("GET", "/api/conversations", acct.Token, nil)
		if r.Status != http.StatusOK && r.Status != http.StatusServiceUnavailable {
			t.Fatalf("inbox after the outage: %d %s", r.Status, r.Body)
		}
		return r.Status == http.StatusOK
	})
}

func expect503(t *testing.T, what string, r testkit.Response) {
	t.Helper()
	if r.Status != http.StatusServiceUnavailable || r.ErrorCode() != "unavailable" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("%s during the outage: %d (Retry-After %q) %s", what, r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}
