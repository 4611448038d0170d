package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aezen/engine/sessions"
)

// APIChannel is an API channel created through the HTTP API, with the signing secret shown at creation.
type APIChannel struct {
	ID     string
	Secret string
	e      *Client
}

// CreateAPIChannel creates an API channel whose outbound messages go to webhookURL.
func (e *Client) CreateAPIChannel(token, webhookURL string) APIChannel {
	e.t.Helper()
	var ch struct {
		ChannelID     string `json:"channelId"`
		WebhookSecret string `json:"webhookSecret"`
	}
	e.Must(http.StatusCreated, "POST", "/api/channels", token, map[string]any{
		"platformType": "API", "channelName": "site chat", "webhookUrl": webhookURL}, &ch)
	if ch.WebhookSecret == "" {
		e.t.Fatal("channel creation did not show the webhook secret")
	}
	return APIChannel{ID: ch.ChannelID, Secret: ch.WebhookSecret, e: e}
}

// Post sends a signed call to the channel's inbound (or other, e.g. "status") endpoint, signed now.
func (ch APIChannel) Post(endpoint string, body any) Response {
	ch.e.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		ch.e.t.Fatal(err)
	}
	return ch.PostSigned(endpoint, raw, ch.Secret, time.Now())
}

// PostSigned sends raw signed with secret at time at (a zero time: signed over the body alone, the scheme
// of integrations written before timestamps).
func (ch APIChannel) PostSigned(endpoint string, raw []byte, secret string, at time.Time) Response {
	ch.e.t.Helper()
	if at.IsZero() {
		return ch.e.Do("POST", "/api/channels/"+ch.ID+"/"+endpoint, "", raw, sessions.SignatureHeader+": "+sessions.Sign(secret, raw))
	}
	return ch.e.Do("POST", "/api/channels/"+ch.ID+"/"+endpoint, "", raw,
		sessions.TimestampHeader+": "+strconv.FormatInt(at.Unix(), 10),
		sessions.SignatureHeader+": "+sessions.SignTimed(secret, at.Unix(), raw))
}

// signatureHeaders are the headers that sign a call's body now ("Name: value"), as Post signs it.
func (ch APIChannel) signatureHeaders(raw []byte) []string {
	at := time.Now().Unix()
	return []string{sessions.TimestampHeader + ": " + strconv.FormatInt(at, 10),
		sessions.SignatureHeader + ": " + sessions.SignTimed(ch.Secret, at, raw)}
}

// Via is the channel called through another engine's (or member's) client.
func (ch APIChannel) Via(c *Client) APIChannel {
	ch.e = c
	return ch
}

// PostQuiet is Post for goroutines and members that may be down: it returns the status, 0 when the
// request failed, and never fails the test.
func (ch APIChannel) PostQuiet(endpoint string, body any) int {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0
	}
	req, err := http.NewRequest("POST", ch.e.BaseURL+"/api/channels/"+ch.ID+"/"+endpoint, bytes.NewReader(raw))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range ch.signatureHeaders(raw) {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// Inbound posts a signed text message from a customer and returns the answer.
func (ch APIChannel) Inbound(platformMessageID, customerID, text string) (res InboundAnswer, r Response) {
	ch.e.t.Helper()
	r = ch.Post("inbound", map[string]any{"platformMessageId": platformMessageID,
		"from": map[string]any{"platformCustomerId": customerID, "fullName": "Customer " + customerID}, "content": text})
	if r.Status == http.StatusAccepted {
		r.JSON(ch.e.t, &res)
	}
	return res, r
}

// InboundAnswer is the body of a 202 from the inbound endpoint.
type InboundAnswer struct {
	MessageID string `json:"messageId"`
	ChatID    string `json:"chatId"`
	Duplicate bool   `json:"duplicate"`
}
