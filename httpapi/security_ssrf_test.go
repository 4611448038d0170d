package httpapi_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 8: with private targets refused (production's default), a channel cannot be created with a
// webhook in any special-purpose block. Nothing is dialled: the refusal is at creation.
func TestWebhookURLsInSpecialPurposeBlocksAreRefused(t *testing.T) {
	cfg := testkit.Config(t)
	refuse := false
	cfg.WebhookAllowPrivate = &refuse
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	for _, u := range []string{"http://100.100.100.200/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/",
		"http://192.0.0.170/", "http://198.18.0.1/", "http://240.0.0.1/", "http://0.0.0.0:9/", "http://127.0.0.1:9/"} {
		r := e.Do("POST", "/api/channels", acct.Token, obj{"platformType": "API", "channelName": "x", "webhookUrl": u})
		expectError(t, r, http.StatusBadRequest, "webhookUrl")
	}
}

// A failed delivery shows the tenant's users a category, not the address or host it tried.
func TestFailedDeliveryShowsACategoryNotTheAddress(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	ch := e.CreateAPIChannel(acct.Token, "http://"+closed+"/hook")
	in, _ := ch.Inbound("m-1", "v", "hello")
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, obj{"content": "reply"}, nil)
	var failed struct {
		Status string  `json:"status"`
		Error  *string `json:"error"`
	}
	testkit.Eventually(t, 10*time.Second, "the send to fail", func() bool {
		var page struct {
			Data []struct {
				Status string  `json:"status"`
				Error  *string `json:"error"`
			} `json:"data"`
		}
		e.Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID+"/messages", acct.Token, nil, &page)
		for _, m := range page.Data {
			if m.Status == "FAILED" {
				failed.Status, failed.Error = m.Status, m.Error
				return true
			}
		}
		return false
	})
	_, port, _ := net.SplitHostPort(closed)
	if failed.Error == nil || strings.Contains(*failed.Error, "127.0.0.1") || strings.Contains(*failed.Error, port) ||
		*failed.Error != "the webhook refused the connection" {
		t.Fatalf("failed send shows %q", deref(failed.Error))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
