package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

func testChannels(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e) // owns one SHOPIFY channel, tn.channel
	insta := tn.create(t, "/api/channels", obj{"platformType": "INSTAGRAM", "channelName": "Insta", "accessToken": "tok-123456789",
		"refreshToken": "ref-abcdefgh", "scopes": []string{"messages"}, "metadata": obj{"page": "p1"}, "isActive": false})
	api := tn.create(t, "/api/channels", obj{"platformType": "API", "channelName": "Shop API", "webhookUrl": "http://127.0.0.1:9/hook"})
	instaID, apiID := id(insta, "channelId"), id(api, "channelId")

	t.Run("create masks secrets and shows a new webhook secret once", func(t *testing.T) {
		if insta["accessToken"] != "****6789" || insta["refreshToken"] != "****efgh" || insta["isActive"] != false ||
			insta["userId"] != tn.acct.UserID || insta["webhookSecret"] != nil {
			t.Fatalf("created %v", insta)
		}
		secret := str(api["webhookSecret"])
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Fatalf("API channel created with webhook secret %q", secret)
		}
		var got obj
		tn.must(t, http.StatusOK, "GET", "/api/channels/"+apiID, nil, &got)
		if got["webhookSecret"] != "****"+secret[len(secret)-4:] || got["webhookUrl"] != "http://127.0.0.1:9/hook" {
			t.Fatalf("read back %v", got)
		}
		expectRFC3339(t, got, "createdAt", "updatedAt")
	})

	t.Run("list filters and pages", func(t *testing.T) {
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{tn.channel, instaID, apiID}},
			{"platformType=API", []string{apiID}},
			{"isActive=false", []string{instaID}},
			{"isActive=true&platformType=SHOPIFY", []string{tn.channel}},
			{"platformType=WHATSAPP", nil},
		}
		for _, tc := range cases {
			t.Run("?"+tc.query, func(t *testing.T) {
				tn.expectList(t, "/api/channels?"+tc.query, "channelId", tc.want...)
			})
		}
		for _, query := range []string{"platformType=SMS", "isActive=no", "limit=0", "offset=x"} {
			t.Run("refuses "+query, func(t *testing.T) {
				expectError(t, tn.do("GET", "/api/channels?"+query, nil), http.StatusBadRequest)
			})
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		cases := []struct {
			name   string
			body   obj
			fields []string
		}{
			{"platformType missing", obj{"channelName": "x"}, []string{"platformType"}},
			{"platformType unknown", obj{"platformType": "SMS"}, []string{"platformType"}},
			{"channelName empty", obj{"platformType": "SHOPIFY", "channelName": ""}, []string{"channelName"}},
			{"channelName too long", obj{"platformType": "SHOPIFY", "channelName": strings.Repeat("c", 201)}, []string{"channelName"}},
			{"webhookUrl missing on an API channel", obj{"platformType": "API"}, []string{"webhookUrl"}},
			{"webhookUrl not a URL", obj{"platformType": "API", "webhookUrl": "not a url"}, []string{"webhookUrl"}},
			{"scopes wrong type", obj{"platformType": "SHOPIFY", "scopes": "all"}, []string{"scopes"}},
			{"isActive wrong type", obj{"platformType": "SHOPIFY", "isActive": "yes"}, []string{"isActive"}},
			{"unknown field", obj{"platformType": "SHOPIFY", "secret": "x"}, []string{"secret"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/channels", tc.body), http.StatusBadRequest, tc.fields...)
			})
		}
		for name, body := range map[string]obj{
			"tokenExpiresAt not a timestamp": {"platformType": "SHOPIFY", "tokenExpiresAt": "soon"},
			"channelId set":                  {"platformType": "SHOPIFY", "channelId": unknownID},
		} {
			t.Run(name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/channels", body), http.StatusBadRequest)
			})
		}
	})

	t.Run("update", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/channels/"+instaID, obj{"channelName": "Instagram", "isActive": true, "accessToken": "new-token-9999"}, &got)
		if got["channelName"] != "Instagram" || got["isActive"] != true || got["accessToken"] != "****9999" || got["refreshToken"] != "****efgh" {
			t.Fatalf("updated %v", got)
		}
		tn.must(t, http.StatusOK, "PUT", "/api/channels/"+apiID, obj{"rotateWebhookSecret": true}, &got)
		if s := str(got["webhookSecret"]); !strings.HasPrefix(s, "whsec_") || s == api["webhookSecret"] {
			t.Fatalf("rotated secret %q", s)
		}
		expectError(t, tn.do("PUT", "/api/channels/"+instaID, obj{"platformType": "API"}), http.StatusBadRequest, "platformType")
		expectError(t, tn.do("PUT", "/api/channels/"+instaID, obj{"channelName": ""}), http.StatusBadRequest, "channelName")
		expectError(t, tn.do("PUT", "/api/channels/"+instaID, obj{"channelName": "a\x00"}), http.StatusBadRequest)
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/channels/"+unknownID, obj{"channelName": "x"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/channels/nope", obj{"channelName": "x"}), http.StatusBadRequest, "channelId")
		}
	})

	t.Run("a channel with customers cannot be deleted", func(t *testing.T) {
		tn.customer(t, "ada", nil)
		env := expectError(t, tn.do("DELETE", "/api/channels/"+tn.channel, nil), http.StatusConflict)
		if !strings.Contains(env.Error.Message, "1 customer") {
			t.Fatalf("conflict message %q", env.Error.Message)
		}
	})

	t.Run("delete", func(t *testing.T) {
		tn.must(t, http.StatusNoContent, "DELETE", "/api/channels/"+instaID, nil, nil)
		expectError(t, tn.do("GET", "/api/channels/"+instaID, nil), http.StatusNotFound)
		expectError(t, tn.do("DELETE", "/api/channels/"+instaID, nil), http.StatusNotFound)
		tn.expectList(t, "/api/channels", "channelId", tn.channel, apiID)
	})
}
