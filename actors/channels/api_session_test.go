package channels

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/config"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/internal/testkit/actortest"
	"github.com/aezen/engine/internal/testkit/testdb"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// receiver is an integration's webhook on loopback: it checks each delivery's signature with the channel's
// secret, keeps it, and answers what refuse says (2xx unless refuse returns a status).
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server
	mu     sync.Mutex
	got    []delivery
	refuse func(content string, attempt int) int
}

type delivery struct {
	eventID string
	event   ops.WebhookEvent
}

func newReceiver(t *testing.T, secret string, refuse func(content string, attempt int) int) *receiver {
	r := &receiver{t: t, secret: secret, refuse: refuse}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	err := sessions.VerifyCall([]string{r.secret}, body, req.Header.Get(sessions.SignatureHeader),
		req.Header.Get(sessions.TimestampHeader), time.Now(), sessions.SignaturePolicy{Tolerance: time.Minute})
	if err != nil {
		r.t.Errorf("delivery not signed with the channel's secret: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev ops.WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("delivery body: %v", err)
	}
	r.mu.Lock()
	r.got = append(r.got, delivery{eventID: req.Header.Get(sessions.EventIDHeader), event: ev})
	attempt := 0
	for _, d := range r.got {
		if d.event.Message.Content == ev.Message.Content {
			attempt++
		}
	}
	r.mu.Unlock()
	if code := r.refuse(ev.Message.Content, attempt); code != 0 {
		w.WriteHeader(code)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// apiFixture is an API channel with a chat in a real tenant database, its webhook on loopback, and a node
// with a real webhook client.
type apiFixture struct {
	store *persistence.TenantStore
	cfg   *config.Config
	ch    persistence.Channel
	chat  persistence.Chat
	hook  *receiver
}

func newAPIFixture(t *testing.T, refuse func(content string, attempt int) int) *apiFixture {
	store := testdb.Tenant(t)
	cfg := config.Defaults()
	cfg.WebhookBackoff, cfg.WebhookMaxBackoff, cfg.WebhookMaxAttempts = 20*time.Millisecond, 50*time.Millisecond, 3
	secret := "whsec-" + uuid.NewString()
	hook := newReceiver(t, secret, refuse)
	ch := actortest.Channel(t, store, domain.PlatformAPI, hook.srv.URL+"/hook", secret)
	return &apiFixture{store: store, cfg: cfg, ch: ch, chat: actortest.Chat(t, store, ch.ChannelID, "visitor-9"), hook: hook}
}

// commit stores PENDING outbound messages (as a conversation actor does before any send) and returns them.
func (f *apiFixture) commit(t *testing.T, contents ...string) []persistence.Message {
	t.Helper()
	b := &pgx.Batch{}
	outs := make([]*persistence.OutboundResult, len(contents))
	for i, c := range contents {
		outs[i] = &persistence.OutboundResult{}
		persistence.QueueOutbound(b, persistence.NewOutbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: f.chat.ChatID,
			PlatformMessageID: sessions.NewPlatformMessageID(string(domain.PlatformAPI)), SenderType: domain.SenderAgent,
			ContentType: domain.ContentText, Content: c}, outs[i])
	}
	if err := f.store.Pool.SendBatch(context.Background(), b).Close(); err != nil {
		t.Fatal(err)
	}
	msgs := make([]persistence.Message, len(outs))
	for i, o := range outs {
		msgs[i] = o.Message
	}
	return msgs
}

// session starts the channel's API session under a stand-in for the tenant actor.
func (f *apiFixture) session(t *testing.T) (*actortest.Parent, *actor.PID, *actor.ActorSystem) {
	n, _ := actortest.Node(t, f.cfg, &sessions.Registry{Webhook: sessions.NewWebhook(2*time.Second, true)})
	props := APISessionProps(n, f.store, f.ch.ChannelID, actortest.Log, &atomic.Int64{}, &APIQueueStats{})
	parent, pid := actortest.SpawnUnder(t, n.System, props)
	return parent, pid, n.System
}

// reports waits for n send reports and returns them by message id.
func reports(t *testing.T, parent *actortest.Parent, n int) map[uuid.UUID]SendReport {
	t.Helper()
	actortest.Eventually(t, "the session's send reports", func() bool { return len(actortest.Received[*SendReport](parent)) >= n })
	out := map[uuid.UUID]SendReport{}
	for _, r := range actortest.Received[*SendReport](parent) {
		if _, twice := out[*r.Change.MessageID]; twice {
			t.Fatalf("message %s reported twice", r.Change.MessageID)
		}
		out[*r.Change.MessageID] = *r
	}
	if len(out) != n {
		t.Fatalf("%d reports, want %d", len(out), n)
	}
	return out
}

// TestAPISessionDeliversSigned: the session delivers what was pending when it started (oldest first) and
// what it is handed afterwards, each signed with the channel's secret over "<timestamp>.<body>", with the
// message id as the event id, and reports each SENT to its tenant.
func TestAPISessionDeliversSigned(t *testing.T) {
	f := newAPIFixture(t, func(string, int) int { return 0 })
	pending := f.commit(t, "left pending 1", "left pending 2")
	parent, pid, system := f.session(t)
	later := f.commit(t, "handed over")[0]
	// Handed over as the conversation actor does, with its content: posted without reading the outbox.
	system.Root.Send(pid, &OutboundReady{ChannelID: f.ch.ChannelID, Platform: string(domain.PlatformAPI),
		Msg: sessions.Outbound{MessageID: later.MessageID, ChatID: later.ChatID, PlatformMessageID: *later.PlatformMessageID,
			To: "visitor-9", ContentType: later.ContentType, Content: later.Content, Timestamp: later.Timestamp}})

	got := reports(t, parent, 3)
	all := append(pending, later)
	for _, m := range all {
		r, ok := got[m.MessageID]
		if !ok || r.Change.Status != domain.StatusSent || r.ChatID != f.chat.ChatID || r.Change.Error != nil {
			t.Fatalf("report for %q: %+v", m.Content, r)
		}
	}
	ds := f.hook.deliveries()
	if len(ds) != 3 {
		t.Fatalf("%d deliveries, want 3", len(ds))
	}
	order := map[uuid.UUID]int{}
	for i, d := range ds {
		order[d.event.Message.MessageID] = i
	}
	// The pending ones go oldest first; the one handed over may come before them if it overtook the read
	// of the outbox.
	if order[pending[0].MessageID] > order[pending[1].MessageID] {
		t.Fatalf("pending messages delivered newest first: %v", order)
	}
	for _, m := range all {
		d := ds[order[m.MessageID]]
		ev := d.event
		if d.eventID != m.MessageID.String() || ev.EventID != d.eventID || ev.Event != "message.outbound" || ev.ChannelID != f.ch.ChannelID ||
			ev.Message.MessageID != m.MessageID || ev.Message.Content != m.Content || ev.Message.To != "visitor-9" ||
			ev.Message.PlatformMessageID != *m.PlatformMessageID {
			t.Fatalf("delivery %+v (event id %s), want %q", ev, d.eventID, m.Content)
		}
	}
}

// TestAPISessionRetriesThenFails: a refused delivery is retried with the same event id until it is taken
// (SENT) or its attempts (AEZEN_WEBHOOK_MAX_ATTEMPTS) are spent (FAILED, saying why); a message the receiver
// keeps refusing does not hold up the next one.
func TestAPISessionRetriesThenFails(t *testing.T) {
	f := newAPIFixture(t, func(content string, attempt int) int {
		switch {
		case content == "refused for good":
			return http.StatusInternalServerError
		case content == "taken on the second try" && attempt == 1:
			return http.StatusServiceUnavailable
		}
		return 0
	})
	msgs := f.commit(t, "refused for good", "taken on the second try", "taken at once")
	parent, _, _ := f.session(t)

	got := reports(t, parent, 3)
	if r := got[msgs[0].MessageID]; r.Change.Status != domain.StatusFailed || r.Change.Error == nil || *r.Change.Error == "" {
		t.Fatalf("the refused message: %+v", r.Change)
	}
	for _, m := range msgs[1:] {
		if r := got[m.MessageID]; r.Change.Status != domain.StatusSent {
			t.Fatalf("%q: %+v", m.Content, r.Change)
		}
	}
	attempts := map[string][]string{}
	for _, d := range f.hook.deliveries() {
		attempts[d.event.Message.Content] = append(attempts[d.event.Message.Content], d.eventID)
	}
	want := map[string]int{"refused for good": f.cfg.WebhookMaxAttempts, "taken on the second try": 2, "taken at once": 1}
	for i, m := range msgs {
		ids := attempts[m.Content]
		if len(ids) != want[m.Content] {
			t.Fatalf("%q delivered %d times, want %d", m.Content, len(ids), want[m.Content])
		}
		for _, id := range ids {
			if id != msgs[i].MessageID.String() {
				t.Fatalf("%q carried event id %s, want its message id", m.Content, id)
			}
		}
	}
}

// TestAPISessionHandedOverThenRetriedFromOutbox: a message handed over with its content is posted as it came
// (no read of the outbox); a retry reads the outbox. The copy handed over differs from the stored row here
// only to tell the two apart.
func TestAPISessionHandedOverThenRetriedFromOutbox(t *testing.T) {
	f := newAPIFixture(t, func(content string, _ int) int {
		if content == "the copy handed over" {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	parent, pid, system := f.session(t)
	m := f.commit(t, "the stored row")[0]
	system.Root.Send(pid, &OutboundReady{ChannelID: f.ch.ChannelID, Platform: string(domain.PlatformAPI),
		Msg: sessions.Outbound{MessageID: m.MessageID, ChatID: m.ChatID, PlatformMessageID: *m.PlatformMessageID,
			To: "visitor-9", ContentType: m.ContentType, Content: "the copy handed over", Timestamp: m.Timestamp}})

	if r := reports(t, parent, 1)[m.MessageID]; r.Change.Status != domain.StatusSent {
		t.Fatalf("report: %+v", r.Change)
	}
	var contents []string
	for _, d := range f.hook.deliveries() {
		if d.eventID != m.MessageID.String() {
			t.Fatalf("delivery of another message: %s", d.eventID)
		}
		contents = append(contents, d.event.Message.Content)
	}
	// The session may have read the outbox at its start before the handover: then it only reads.
	if !slices.Equal(contents, []string{"the copy handed over", "the stored row"}) && !slices.Equal(contents, []string{"the stored row"}) {
		t.Fatalf("deliveries %q", contents)
	}
}
