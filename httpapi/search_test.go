package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

type searchHit struct {
	Kind      string  `json:"kind"`
	MessageID *string `json:"messageId"`
	Excerpt   string  `json:"excerpt"`
	CreatedAt string  `json:"createdAt"`
}

type searchConversation struct {
	ChatID   string `json:"chatId"`
	Status   string `json:"status"`
	Customer struct {
		CustomerID string  `json:"customerId"`
		FullName   *string `json:"fullName"`
	} `json:"customer"`
	HitCount int         `json:"hitCount"`
	Hits     []searchHit `json:"hits"`
}

type searchPage struct {
	Data       []searchConversation `json:"data"`
	NextCursor *string              `json:"nextCursor"`
}

func search(t *testing.T, e *testkit.Engine, token, q, extra string) searchPage {
	t.Helper()
	var page searchPage
	e.Must(http.StatusOK, "GET", "/api/search?q="+url.QueryEscape(q)+extra, token, nil, &page)
	return page
}

func searchChats(t *testing.T, e *testkit.Engine, token, q string) []string {
	t.Helper()
	var ids []string
	for _, c := range search(t, e, token, q, "").Data {
		ids = append(ids, c.ChatID)
	}
	slices.Sort(ids)
	return ids
}

// TestSearchFindsWordsAcrossLanguagesUnderVisibility: messages, notes and customers in Portuguese, Spanish
// and Indonesian are found by exact words, prefixes and without accents; excerpts are escaped HTML with
// <mark>; results page by conversation; an agent under "only mine" finds nothing in a colleague's
// conversation; another tenant finds nothing; bad queries are 400s in the error envelope.
func TestSearchFindsWordsAcrossLanguagesUnderVisibility(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)

	pt, _ := ch.Inbound("s1", "cust-pt", `Olá, informação: pedido <b>123</b> & 2 < 3 > 1 entrega`)
	id, _ := ch.Inbound("s2", "cust-id", "Terima kasih, pesanan saya belum sampai")
	es, _ := ch.Inbound("s3", "cust-es", "¿Dónde está mi información?")
	var named struct {
		ChatID string `json:"chatId"`
	}
	r := ch.Post("inbound", map[string]any{"platformMessageId": "s4", "content": "hello",
		"from": map[string]any{"platformCustomerId": "cust-jp", "fullName": "Joaquín Pérez", "phone": "+55 11 98888-7777"}})
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &named)
	e.Must(http.StatusCreated, "POST", "/api/conversations/"+id.ChatID+"/notes", owner.Token,
		map[string]any{"content": "cliente VIP: ligar amanhã"}, nil)

	// Exact words, any case, accents ignored; prefixes; every word must match.
	if got := searchChats(t, e, owner.Token, "informacao"); !slices.Equal(got, []string{pt.ChatID}) {
		t.Fatalf("informacao: %v, want the Portuguese chat %s", got, pt.ChatID)
	}
	if got := searchChats(t, e, owner.Token, "INFORMA"); !slices.Equal(got, sorted(pt.ChatID, es.ChatID)) {
		t.Fatalf("INFORMA: %v, want %s and %s", got, pt.ChatID, es.ChatID)
	}
	if got := searchChats(t, e, owner.Token, "dónde informacion"); !slices.Equal(got, []string{es.ChatID}) {
		t.Fatalf("dónde informacion: %v", got)
	}
	if got := searchChats(t, e, owner.Token, "terima pesan"); !slices.Equal(got, []string{id.ChatID}) {
		t.Fatalf("terima pesan: %v", got)
	}
	if got := searchChats(t, e, owner.Token, "terima informacao"); len(got) != 0 {
		t.Fatalf("words from two chats matched together: %v", got)
	}
	// Query syntax is only words: nothing here is an error or matches everything.
	if got := searchChats(t, e, owner.Token, `kasih' & | ! :* ("<->`); !slices.Equal(got, []string{id.ChatID}) {
		t.Fatalf("punctuation around a word: %v", got)
	}

	// The excerpt is escaped HTML with the matches in <mark> (ts_headline leaves out what looks like a tag).
	page := search(t, e, owner.Token, "pedido", "")
	if len(page.Data) != 1 || len(page.Data[0].Hits) != 1 {
		t.Fatalf("pedido: %+v", page)
	}
	h := page.Data[0].Hits[0]
	if h.Kind != "message" || h.MessageID == nil || h.CreatedAt == "" ||
		!strings.Contains(h.Excerpt, "<mark>pedido</mark>") || !strings.Contains(h.Excerpt, "2 &lt; 3 &gt; 1") ||
		!strings.Contains(h.Excerpt, "&amp;") || strings.Contains(h.Excerpt, "<b>") {
		t.Fatalf("pedido hit = %+v", h)
	}
	// Notes are hits of kind note; customers of kind customer, by name without accents and by phone digits.
	page = search(t, e, owner.Token, "amanha", "")
	if len(page.Data) != 1 || page.Data[0].ChatID != id.ChatID || page.Data[0].Hits[0].Kind != "note" ||
		!strings.Contains(page.Data[0].Hits[0].Excerpt, "<mark>amanhã</mark>") {
		t.Fatalf("amanha: %+v", page)
	}
	page = search(t, e, owner.Token, "perez", "")
	if len(page.Data) != 1 || page.Data[0].ChatID != named.ChatID || page.Data[0].Hits[0].Kind != "customer" ||
		page.Data[0].Hits[0].MessageID != nil || !strings.Contains(page.Data[0].Hits[0].Excerpt, "<mark>Pérez</mark>") {
		t.Fatalf("perez: %+v", page)
	}
	if got := searchChats(t, e, owner.Token, "+55 11 98888-7777"); !slices.Equal(got, []string{named.ChatID}) {
		t.Fatalf("phone: %v", got)
	}

	// Hits per conversation: the count of all, the newest three.
	for _, m := range []string{"s5", "s6", "s7", "s8"} {
		ch.Inbound(m, "cust-pt", "outro pedido número "+m)
	}
	page = search(t, e, owner.Token, "pedido", "")
	if c := page.Data[0]; c.HitCount != 5 || len(c.Hits) != 3 || !strings.Contains(c.Hits[0].Excerpt, "s8") {
		t.Fatalf("pedido after 4 more: hitCount %d, hits %+v", c.HitCount, c.Hits)
	}

	// Paging by conversation.
	first := search(t, e, owner.Token, "informa", "&limit=1")
	if len(first.Data) != 1 || first.NextCursor == nil {
		t.Fatalf("first page: %+v", first)
	}
	second := search(t, e, owner.Token, "informa", "&limit=1&cursor="+url.QueryEscape(*first.NextCursor))
	if len(second.Data) != 1 || second.NextCursor != nil || second.Data[0].ChatID == first.Data[0].ChatID {
		t.Fatalf("second page: %+v after %+v", second, first)
	}

	// Visibility: under "only mine", B finds nothing in A's conversation; A and the owner do.
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+pt.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)
	if got := searchChats(t, e, agentB.Token, "informa"); !slices.Equal(got, []string{es.ChatID}) {
		t.Fatalf("B under only-mine: %v, want only %s", got, es.ChatID)
	}
	if got := searchChats(t, e, agentB.Token, "pedido"); len(got) != 0 {
		t.Fatalf("B found A's conversation: %v", got)
	}
	if got := searchChats(t, e, agentA.Token, "informa"); !slices.Equal(got, sorted(pt.ChatID, es.ChatID)) {
		t.Fatalf("A: %v", got)
	}
	if got := searchChats(t, e, owner.Token, "informa"); !slices.Equal(got, sorted(pt.ChatID, es.ChatID)) {
		t.Fatalf("owner: %v", got)
	}
	stranger := e.SignUp()
	if got := searchChats(t, e, stranger.Token, "informa"); len(got) != 0 {
		t.Fatalf("another tenant found %v", got)
	}

	// Bad queries: 400 in the error envelope.
	for _, bad := range []string{"", "?q=", "?q=%20%20", "?q=" + strings.Repeat("a", 201), "?q=!!!%20%3F",
		"?q=" + url.QueryEscape("a b c d e f g h i j k"), "?q=x&limit=0", "?q=x&limit=51", "?q=x&cursor=zzz", "?q=x&sort=new"} {
		r := e.Do("GET", "/api/search"+bad, owner.Token, nil)
		if r.Status != http.StatusBadRequest || r.ErrorCode() == "" {
			t.Errorf("GET /api/search%s: %d %s, want a 400 in the error envelope", bad, r.Status, r.Body)
		}
	}
	if r := e.Do("GET", "/api/search?q=x", "", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", r.Status)
	}
}
