package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/sessions"
)

// fidelityMessage is a message with its replies, reactions, edits and revokes.
type fidelityMessage struct {
	MessageID         string `json:"messageId"`
	PlatformMessageID string `json:"platformMessageId"`
	SenderType        string `json:"senderType"`
	Content           string `json:"content"`
	Status            string `json:"status"`
	ReplyTo           *struct {
		MessageID string `json:"messageId"`
		Excerpt   string `json:"excerpt"`
	} `json:"replyTo"`
	Reactions []struct {
		Emoji string    `json:"emoji"`
		By    string    `json:"by"`
		At    time.Time `json:"at"`
	} `json:"reactions"`
	EditedAt *time.Time `json:"editedAt"`
	Versions []struct {
		Content string    `json:"content"`
		At      time.Time `json:"at"`
	} `json:"versions"`
	RevokedAt *time.Time `json:"revokedAt"`
}

func fidelityMessages(t *testing.T, e *testkit.Engine, token, chatID string) map[string]fidelityMessage {
	t.Helper()
	var page struct {
		Data []fidelityMessage `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID+"/messages", token, nil, &page)
	out := map[string]fidelityMessage{}
	for _, m := range page.Data {
		out[m.PlatformMessageID] = m
	}
	return out
}

// lastSent is the fake's newest send attempt.
func lastSent(fake *fakewhatsapp.WhatsApp) fakewhatsapp.Sent {
	sent := fake.Sent()
	if len(sent) == 0 {
		return fakewhatsapp.Sent{}
	}
	return sent[len(sent)-1]
}

// TestWhatsAppReplies: a reply sent with replyToMessageId shows replyTo and reaches WhatsApp quoting the
// customer's message; a customer's quote of our message is mapped to it; a quote of a message of another
// chat, or of none, is a 400 naming replyToMessageId.
func TestWhatsAppReplies(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	for _, m := range []struct{ id, chat, text string }{{"WA-1", ada, "is it in stock?"}, {"WA-9", grace, "hello"}} {
		if !deliver(t, fake, channelID, waText(m.id, m.chat, "", m.text)) {
			t.Fatal("not acknowledged")
		}
	}
	chats := conversationsByNumber(t, e, acct.Token)
	chatID, otherChat := chats["+15551234567"].ChatID, chats["+447700900123"].ChatID
	question := fidelityMessages(t, e, acct.Token, chatID)["WA-1"]

	var sent struct {
		Message fidelityMessage `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token,
		map[string]any{"content": "yes, ships today", "replyToMessageId": question.MessageID}, &sent)
	if r := sent.Message.ReplyTo; r == nil || r.MessageID != question.MessageID || r.Excerpt != "is it in stock?" {
		t.Fatalf("reply's replyTo: %+v", r)
	}
	waitMessageStatus(t, e, acct.Token, chatID, sent.Message.MessageID, "SENT")
	if s := lastSent(fake); s.ID != sent.Message.PlatformMessageID || s.Quote == nil || s.Quote.ID != "WA-1" || s.Quote.FromMe ||
		s.Quote.Text != "is it in stock?" {
		t.Fatalf("WhatsApp got %+v (quote %+v)", s, s.Quote)
	}

	// The customer quotes our answer.
	in := waText("WA-2", ada, "", "great, thanks")
	in.QuotedID = sent.Message.PlatformMessageID
	if !deliver(t, fake, channelID, in) {
		t.Fatal("not acknowledged")
	}
	// A quote of a message the engine does not have is stored without replyTo.
	unknown := waText("WA-3", ada, "", "and this?")
	unknown.QuotedID = "NOT-STORED"
	if !deliver(t, fake, channelID, unknown) {
		t.Fatal("not acknowledged")
	}
	msgs := fidelityMessages(t, e, acct.Token, chatID)
	if r := msgs["WA-2"].ReplyTo; r == nil || r.MessageID != sent.Message.MessageID || r.Excerpt != "yes, ships today" {
		t.Fatalf("customer's quote: %+v", r)
	}
	if msgs["WA-3"].ReplyTo != nil {
		t.Fatalf("quote of an unknown message: %+v", msgs["WA-3"].ReplyTo)
	}

	other := fidelityMessages(t, e, acct.Token, otherChat)["WA-9"]
	for _, bad := range []string{other.MessageID, "0190a0b0-0000-7000-8000-000000000000"} {
		r := e.Do("POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "x", "replyToMessageId": bad})
		expectError(t, r, http.StatusBadRequest, "replyToMessageId")
	}
	expectError(t, e.Do("POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "x", "replyToMessageId": "nope"}),
		http.StatusBadRequest, "replyToMessageId")
}

// waitAction waits for the fake to have sent a change of kind to the message targetID, and returns it.
func waitAction(t *testing.T, fake *fakewhatsapp.WhatsApp, kind, targetID string) sessions.WAAction {
	t.Helper()
	var got sessions.WAAction
	testkit.Eventually(t, 10*time.Second, kind+" of "+targetID+" sent to WhatsApp", func() bool {
		for _, s := range fake.Sent() {
			if s.Action != nil && s.Err == nil && s.Action.Kind == kind && s.Action.TargetID == targetID {
				got = *s.Action
				return true
			}
		}
		return false
	})
	return got
}

// waitUpdated waits for a message_updated event about messageID that satisfies ok.
func waitUpdated(t *testing.T, ws *testkit.WSClient, messageID, what string, ok func(fidelityMessage) bool) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, "message_updated: "+what, func() bool {
		for _, f := range ws.Frames("message_updated") {
			var m fidelityMessage
			if json.Unmarshal(f.Data, &m) == nil && m.MessageID == messageID && ok(m) {
				return true
			}
		}
		return false
	})
}

// TestWhatsAppReactionsEditsAndRevokes: the team's reactions, edits and deletes reach WhatsApp and show on the
// message (message_updated), the customer's are mapped to the stored messages keeping what they said before;
// an edit after the window, or of a customer's message, is a 409; an agent who may not see the conversation
// gets 404 on every route; bad bodies are 400s naming the field.
func TestWhatsAppReactionsEditsAndRevokes(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "is it in stock?")) {
		t.Fatal("not acknowledged")
	}
	chatID := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID
	question := fidelityMessages(t, e, acct.Token, chatID)["WA-1"]
	var sent struct {
		Message fidelityMessage `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "yes, ships todya"}, &sent)
	answer := sent.Message
	waitMessageStatus(t, e, acct.Token, chatID, answer.MessageID, "SENT")

	// The team reacts to the customer's question; a second reaction replaces the first.
	var reacted fidelityMessage
	e.Must(http.StatusOK, "POST", "/api/messages/"+question.MessageID+"/reactions", acct.Token, map[string]any{"emoji": "👀"}, nil)
	e.Must(http.StatusOK, "POST", "/api/messages/"+question.MessageID+"/reactions", acct.Token, map[string]any{"emoji": "👍"}, &reacted)
	if len(reacted.Reactions) != 1 || reacted.Reactions[0].Emoji != "👍" || reacted.Reactions[0].By != acct.UserID {
		t.Fatalf("reactions %+v", reacted.Reactions)
	}
	if a := waitAction(t, fake, sessions.WAReaction, "WA-1"); a.TargetFromMe {
		t.Fatalf("reaction to the customer's message sent as to our own: %+v", a)
	}
	waitUpdated(t, ws, question.MessageID, "the team's reaction", func(m fidelityMessage) bool {
		return len(m.Reactions) == 1 && m.Reactions[0].Emoji == "👍"
	})

	// The customer reacts to our answer, then takes their reaction to the question... there is none: only
	// their side changes, the team's stays.
	react := waText("WA-R1", ada, "", "")
	react.ContentType, react.Text = "", ""
	react.Update = &sessions.WAUpdate{Kind: sessions.WAReaction, TargetID: answer.PlatformMessageID, Emoji: "❤️"}
	if !deliver(t, fake, channelID, react) {
		t.Fatal("reaction not acknowledged")
	}
	unreact := react
	unreact.ID, unreact.Update = "WA-R2", &sessions.WAUpdate{Kind: sessions.WAReaction, TargetID: "WA-1", Emoji: ""}
	if !deliver(t, fake, channelID, unreact) {
		t.Fatal("reaction removal not acknowledged")
	}
	msgs := fidelityMessages(t, e, acct.Token, chatID)
	if r := msgs[answer.PlatformMessageID].Reactions; len(r) != 1 || r[0].By != "CUSTOMER" || r[0].Emoji != "❤️" {
		t.Fatalf("customer's reaction: %+v", r)
	}
	if r := msgs["WA-1"].Reactions; len(r) != 1 || r[0].By != acct.UserID {
		t.Fatalf("the team's reaction after the customer took back none: %+v", r)
	}
	if len(msgs) != 2 {
		t.Fatalf("reactions stored as messages: %+v", msgs)
	}
	waitUpdated(t, ws, answer.MessageID, "the customer's reaction", func(m fidelityMessage) bool { return len(m.Reactions) == 1 })

	// The team fixes the typo: the edit reaches WhatsApp, the message keeps what it said.
	var edited fidelityMessage
	e.Must(http.StatusOK, "PATCH", "/api/messages/"+answer.MessageID, acct.Token, map[string]any{"content": "yes, ships today"}, &edited)
	if edited.Content != "yes, ships today" || edited.EditedAt == nil || len(edited.Versions) != 1 || edited.Versions[0].Content != "yes, ships todya" {
		t.Fatalf("edited message %+v", edited)
	}
	if a := waitAction(t, fake, sessions.WAEdit, answer.PlatformMessageID); a.Value != "yes, ships today" || !a.TargetFromMe {
		t.Fatalf("edit sent as %+v", a)
	}
	// The customer edits their question.
	edit := waText("WA-E1", ada, "", "")
	edit.ContentType, edit.Text = "", ""
	edit.Update = &sessions.WAUpdate{Kind: sessions.WAEdit, TargetID: "WA-1", Text: "is the blue one in stock?"}
	for range 2 { // the second is a re-delivery: no second version
		if !deliver(t, fake, channelID, edit) {
			t.Fatal("edit not acknowledged")
		}
	}
	q := fidelityMessages(t, e, acct.Token, chatID)["WA-1"]
	if q.Content != "is the blue one in stock?" || q.EditedAt == nil || len(q.Versions) != 1 || q.Versions[0].Content != "is it in stock?" {
		t.Fatalf("customer's edit: %+v", q)
	}
	// The customer cannot edit our message, nor the team theirs.
	forged := edit
	forged.ID, forged.Update = "WA-E2", &sessions.WAUpdate{Kind: sessions.WAEdit, TargetID: answer.PlatformMessageID, Text: "free!"}
	if !deliver(t, fake, channelID, forged) {
		t.Fatal("forged edit not acknowledged")
	}
	if got := fidelityMessages(t, e, acct.Token, chatID)[answer.PlatformMessageID].Content; got != "yes, ships today" {
		t.Fatalf("the customer edited our message: %q", got)
	}
	expectError(t, e.Do("PATCH", "/api/messages/"+question.MessageID, acct.Token, map[string]any{"content": "x"}), http.StatusConflict)

	// A message sent from the phone 20 minutes ago is past WhatsApp's 15-minute edit window.
	old := waText("PH-OLD", ada, "", "see you")
	old.FromMe, old.Timestamp = true, time.Now().Add(-20*time.Minute).UTC().Truncate(time.Second)
	if !deliver(t, fake, channelID, old) {
		t.Fatal("not acknowledged")
	}
	oldID := fidelityMessages(t, e, acct.Token, chatID)["PH-OLD"].MessageID
	env := expectError(t, e.Do("PATCH", "/api/messages/"+oldID, acct.Token, map[string]any{"content": "see you soon"}), http.StatusConflict)
	if !strings.Contains(env.Error.Message, "15m") {
		t.Fatalf("409 says %q", env.Error.Message)
	}

	// Bad bodies.
	expectError(t, e.Do("PATCH", "/api/messages/"+answer.MessageID, acct.Token, map[string]any{"content": ""}), http.StatusBadRequest, "content")
	expectError(t, e.Do("PATCH", "/api/messages/"+answer.MessageID, acct.Token, map[string]any{}), http.StatusBadRequest, "content")
	expectError(t, e.Do("POST", "/api/messages/"+answer.MessageID+"/reactions", acct.Token, map[string]any{"emoji": strings.Repeat("x", 65)}), http.StatusBadRequest, "emoji")
	expectError(t, e.Do("POST", "/api/messages/"+answer.MessageID+"/reactions", acct.Token, map[string]any{}), http.StatusBadRequest, "emoji")
	expectError(t, e.Do("POST", "/api/messages/not-an-id/revoke", acct.Token, nil), http.StatusBadRequest)

	// An agent under "only their own and unassigned" does not see the owner's conversation: 404 everywhere.
	agent := e.AddUser(acct.Token, "AGENT")
	e.Must(http.StatusOK, "PUT", "/api/settings", acct.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+chatID+"/assign", acct.Token, map[string]any{"userId": acct.UserID}, nil)
	for _, r := range []testkit.Response{
		e.Do("POST", "/api/messages/"+answer.MessageID+"/reactions", agent.Token, map[string]any{"emoji": "👍"}),
		e.Do("PATCH", "/api/messages/"+answer.MessageID, agent.Token, map[string]any{"content": "hidden"}),
		e.Do("POST", "/api/messages/"+answer.MessageID+"/revoke", agent.Token, nil),
	} {
		expectError(t, r, http.StatusNotFound)
	}

	// The team deletes its answer for everyone; the customer deletes their question.
	var revoked fidelityMessage
	e.Must(http.StatusOK, "POST", "/api/messages/"+answer.MessageID+"/revoke", acct.Token, nil, &revoked)
	if revoked.RevokedAt == nil || revoked.Content != "yes, ships today" {
		t.Fatalf("revoked message %+v", revoked)
	}
	waitAction(t, fake, sessions.WARevoke, answer.PlatformMessageID)
	if c := conversationsByNumber(t, e, acct.Token)["+15551234567"]; c.LastMessage == nil || *c.LastMessage != "This message was deleted" {
		t.Fatalf("the preview after deleting the newest message: %v", c.LastMessage)
	}
	expectError(t, e.Do("POST", "/api/messages/"+answer.MessageID+"/revoke", acct.Token, nil), http.StatusConflict)
	expectError(t, e.Do("PATCH", "/api/messages/"+answer.MessageID, acct.Token, map[string]any{"content": "x"}), http.StatusConflict)
	gone := waText("WA-V1", ada, "", "")
	gone.ContentType, gone.Text = "", ""
	gone.Update = &sessions.WAUpdate{Kind: sessions.WARevoke, TargetID: "WA-1"}
	if !deliver(t, fake, channelID, gone) {
		t.Fatal("revoke not acknowledged")
	}
	q = fidelityMessages(t, e, acct.Token, chatID)["WA-1"]
	if q.RevokedAt == nil || q.Content != "is the blue one in stock?" {
		t.Fatalf("customer's revoke: %+v", q)
	}
	waitUpdated(t, ws, question.MessageID, "the customer's revoke", func(m fidelityMessage) bool { return m.RevokedAt != nil })
	// Every change was sent once and nothing waits in message_actions.
	var waiting int
	if err := e.TenantDB(acct.TenantID).QueryRow(context.Background(), "SELECT count(*) FROM message_actions").Scan(&waiting); err != nil || waiting != 0 {
		t.Fatalf("%d actions still waiting (%v)", waiting, err)
	}
}

// TestAPIChannelReplies: on the API channel a reply's webhook carries replyTo with the quoted message's
// platformMessageId, an inbound replyToExternalId is mapped, and the team edits, reacts and deletes
// (stored and announced; the channel's webhook gets no call for them: integrations follow message.updated).
func TestAPIChannelReplies(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	hook.SetSecret(ch.Secret)
	in, r := ch.Inbound("ext-1", "cust-42", "where is my order?")
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	var sent struct {
		Message fidelityMessage `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token,
		map[string]any{"content": "on its way", "replyToMessageId": in.MessageID}, &sent)
	testkit.Eventually(t, 5*time.Second, "webhook delivery", func() bool { return len(hook.Deliveries()) == 1 })
	var ev struct {
		Message struct {
			ReplyTo *struct {
				MessageID         string `json:"messageId"`
				PlatformMessageID string `json:"platformMessageId"`
				Excerpt           string `json:"excerpt"`
			} `json:"replyTo"`
		} `json:"message"`
	}
	if err := json.Unmarshal(hook.Deliveries()[0].Body, &ev); err != nil || ev.Message.ReplyTo == nil ||
		ev.Message.ReplyTo.MessageID != in.MessageID || ev.Message.ReplyTo.PlatformMessageID != "ext-1" || ev.Message.ReplyTo.Excerpt != "where is my order?" {
		t.Fatalf("webhook body %s (%v)", hook.Deliveries()[0].Body, err)
	}
	r = ch.Post("inbound", map[string]any{"platformMessageId": "ext-2", "from": map[string]any{"platformCustomerId": "cust-42"},
		"content": "thanks!", "replyToExternalId": sent.Message.PlatformMessageID})
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound reply: %d %s", r.Status, r.Body)
	}
	msgs := fidelityMessages(t, e, acct.Token, in.ChatID)
	if rt := msgs["ext-2"].ReplyTo; rt == nil || rt.MessageID != sent.Message.MessageID {
		t.Fatalf("inbound reply's replyTo %+v", rt)
	}
	waitMessageStatus(t, e, acct.Token, in.ChatID, sent.Message.MessageID, "SENT")
	var edited fidelityMessage
	e.Must(http.StatusOK, "PATCH", "/api/messages/"+sent.Message.MessageID, acct.Token, map[string]any{"content": "on its way, arriving Monday"}, &edited)
	if len(edited.Versions) != 1 || edited.Versions[0].Content != "on its way" {
		t.Fatalf("edited %+v", edited)
	}
	e.Must(http.StatusOK, "POST", "/api/messages/"+in.MessageID+"/reactions", acct.Token, map[string]any{"emoji": "🙏"}, nil)
	var cleared fidelityMessage
	e.Must(http.StatusOK, "POST", "/api/messages/"+in.MessageID+"/reactions", acct.Token, map[string]any{"emoji": ""}, &cleared)
	if len(cleared.Reactions) != 0 {
		t.Fatalf("reaction not taken back: %+v", cleared.Reactions)
	}
	if len(hook.Deliveries()) != 1 {
		t.Fatalf("%d webhook calls, want only the reply's", len(hook.Deliveries()))
	}

	// The WebSocket's send_message quotes too; a message of no chat of ours is a bad field.
	ws := e.DialWS(acct.Token)
	ws.Send("send_message", map[string]any{"chatId": in.ChatID, "content": "and tracking is 42", "clientMessageId": "c-1", "replyToMessageId": msgs["ext-2"].MessageID})
	ws.Send("send_message", map[string]any{"chatId": in.ChatID, "content": "x", "clientMessageId": "c-2", "replyToMessageId": "0190a0b0-0000-7000-8000-000000000000"})
	acks := ws.WaitFrames("ack", 2, 5*time.Second)
	var ok, bad struct {
		Result *struct {
			Message fidelityMessage `json:"message"`
		} `json:"result"`
		Error *struct {
			Fields []struct {
				Field string `json:"field"`
			} `json:"fields"`
		} `json:"error"`
	}
	if json.Unmarshal(acks[0].Data, &ok) != nil || ok.Result == nil || ok.Result.Message.ReplyTo == nil || ok.Result.Message.ReplyTo.MessageID != msgs["ext-2"].MessageID {
		t.Fatalf("send_message with a quote acked %s", acks[0].Data)
	}
	if json.Unmarshal(acks[1].Data, &bad) != nil || bad.Error == nil || len(bad.Error.Fields) != 1 || bad.Error.Fields[0].Field != "replyToMessageId" {
		t.Fatalf("send_message quoting nothing acked %s", acks[1].Data)
	}
}

// TestWhatsAppActionsSurviveARestart: a reaction committed while WhatsApp is unreachable waits in
// message_actions, and a node started afterwards sends it once the session reconnects; then nothing waits.
func TestWhatsAppActionsSurviveARestart(t *testing.T) {
	cfg := testkit.Config(t)
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "hi")) {
		t.Fatal("not acknowledged")
	}
	chatID := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID
	question := fidelityMessages(t, e, acct.Token, chatID)["WA-1"]

	fake.SetConnectError(errors.New("network unreachable"))
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, "the session to lose WhatsApp", func() bool { return !fake.Connected(channelID) })
	e.Must(http.StatusOK, "POST", "/api/messages/"+question.MessageID+"/reactions", acct.Token, map[string]any{"emoji": "🙏"}, nil)
	waiting := func(en *testkit.Engine) int {
		var n int
		if err := en.TenantDB(acct.TenantID).QueryRow(context.Background(), "SELECT count(*) FROM message_actions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := waiting(e); n != 1 {
		t.Fatalf("%d actions waiting, want the reaction", n)
	}
	e.Stop()

	fake.SetConnectError(nil)
	restarted := testkit.Start(t, cfg)
	a := waitAction(t, fake, sessions.WAReaction, "WA-1")
	if a.Value != "🙏" {
		t.Fatalf("reaction sent as %+v", a)
	}
	testkit.Eventually(t, 5*time.Second, "the sent reaction to leave message_actions", func() bool { return waiting(restarted) == 0 })
	n := 0
	for _, s := range fake.Sent() {
		if s.Action != nil && s.Err == nil {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the reaction was sent %d times", n)
	}
}
