package queries

import (
	"context"
	"html"
	"strings"
	"unicode"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// The markers ts_headline puts around matched words: two characters of Unicode's private use area, removed
// from the texts before the excerpt is made, so that every marker in an excerpt is one of ours. The
// excerpt is then HTML-escaped piece by piece and the markers become <mark> and </mark>.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
)

// Search answers ops.OpSearch: conversations the caller may see whose messages, notes or customer match
// every word of the query (each word also as the start of a longer one), newest activity first.
func Search(ctx context.Context, s *Scope, in ops.SearchInput) (ops.SearchPage, error) {
	query, err := SearchTSQuery(in.Q)
	if err != nil {
		return ops.SearchPage{}, err
	}
	groups, next, err := s.Store.Search(ctx, persistence.SearchFilter{Query: query, VisibleTo: s.visibleTo(),
		Limit: in.Limit, Cursor: in.Cursor, HitsPer: ops.SearchHitsPer, StartSel: markStart, StopSel: markStop})
	if err != nil {
		return ops.SearchPage{}, err
	}
	page := ops.SearchPage{Data: make([]ops.SearchConversation, 0, len(groups))}
	for _, g := range groups {
		conv := ops.SearchConversation{ChatID: g.ChatID, ChannelID: g.ChannelID, Platform: g.Platform, Status: g.Status,
			SnoozedUntil: g.SnoozedUntil, Assignee: g.Assignee, LastMessageAt: g.LastMessageAt, StartedAt: g.StartedAt,
			HitCount: g.HitCount, Hits: make([]ops.SearchHit, 0, len(g.Hits)),
			Customer: ops.SearchCustomer{CustomerID: g.Customer.CustomerID, FullName: g.Customer.FullName,
				Email: g.Customer.Email, Phone: g.Customer.Phone, PlatformCustomerID: g.Customer.PlatformCustomerID,
				AvatarURL: g.Customer.AvatarURL}}
		for _, h := range g.Hits {
			conv.Hits = append(conv.Hits, ops.SearchHit{Kind: h.Kind, MessageID: h.MessageID,
				Excerpt: ExcerptHTML(h.Headline), CreatedAt: h.At})
		}
		page.Data = append(page.Data, conv)
	}
	if next != "" {
		page.NextCursor = &next
	}
	return page, nil
}

// SearchTSQuery turns what a user typed into a to_tsquery expression made of their words only, so that no
// character of the input is ever read as tsquery syntax. Words are runs of letters, digits and combining
// marks (anything else separates them); every word must match, and a word of two or more characters also
// matches as the start of a longer one ("infor" finds "informação"). A query made only of digits and
// phone punctuation ("+55 11 99999-8888") also matches its digits written together, as customers' phones
// are indexed. Accents are handled by the database's aezen_search configuration.
func SearchTSQuery(q string) (string, error) {
	if strings.ContainsRune(q, 0) {
		return "", domain.InvalidField("q", "must not contain NUL characters")
	}
	if n := len([]rune(q)); n > ops.SearchMaxQueryRunes {
		return "", domain.InvalidField("q", "must be at most 200 characters")
	}
	words := strings.FieldsFunc(q, func(r rune) bool { return !isWordRune(r) })
	if len(words) == 0 {
		return "", domain.InvalidField("q", "must contain a word (letters or digits)")
	}
	if len(words) > ops.SearchMaxWords {
		return "", domain.InvalidField("q", "must have at most 10 words")
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = term(w)
	}
	all := strings.Join(terms, " & ")
	if len(words) > 1 && isPhoneLike(q) {
		return "(" + term(strings.Join(words, "")) + ") | (" + all + ")", nil
	}
	return all, nil
}

func term(w string) string {
	if len([]rune(w)) >= 2 {
		return w + ":*"
	}
	return w
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isPhoneLike(q string) bool {
	for _, r := range q {
		if !unicode.IsDigit(r) && !strings.ContainsRune(" +-().", r) {
			return false
		}
	}
	return true
}

// ExcerptHTML turns a ts_headline result with markStart/markStop around the matches into safe HTML: the
// text escaped, the matches in <mark>…</mark>. A marker without its pair is dropped.
func ExcerptHTML(headline string) string {
	var b strings.Builder
	open := false
	for headline != "" {
		i := strings.IndexAny(headline, markStart+markStop)
		if i < 0 {
			b.WriteString(html.EscapeString(headline))
			break
		}
		b.WriteString(html.EscapeString(headline[:i]))
		marker := headline[i : i+len(markStart)]
		headline = headline[i+len(markStart):]
		switch {
		case marker == markStart && !open:
			b.WriteString("<mark>")
			open = true
		case marker == markStop && open:
			b.WriteString("</mark>")
			open = false
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
