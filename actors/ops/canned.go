package ops

import (
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Canned reply operations.
var (
	OpCannedCreate = Declare[Write[CannedInput], CannedReply]("canned.create")
	OpCannedList   = Declare[CannedListInput, ListPage[CannedReply]]("canned.list")
	OpCannedGet    = Declare[Ref, CannedReply]("canned.get")
	OpCannedUpdate = Declare[Write[CannedInput], CannedReply]("canned.update")
	OpCannedDelete = Declare[Ref, None]("canned.delete")
	// OpCannedRender fills a canned reply's variables for one conversation (the send route uses it).
	OpCannedRender = Declare[CannedRenderInput, CannedRendered]("canned.render")
)

// CannedVariables are the variables a canned reply may use, as {{name}}.
var CannedVariables = []string{"customer.name", "customer.firstName", "customer.email", "customer.phone", "agent.name", "agent.email"}

// cannedVariable finds {{ variable }} in a text.
var cannedVariable = regexp.MustCompile(`\{\{\s*([A-Za-z.]+)\s*\}\}`)

// FillCanned replaces every {{variable}} of text with its value (a missing value is empty).
func FillCanned(text string, values map[string]string) string {
	return cannedVariable.ReplaceAllStringFunc(text, func(m string) string {
		return values[cannedVariable.FindStringSubmatch(m)[1]]
	})
}

// CannedInput is the body of a canned reply create or update (absent fields stay as they are on update).
type CannedInput struct {
	Shortcut *string `json:"shortcut" validate:"omitnil,min=1,max=50,excludesall= /"`
	Content  *string `json:"content" validate:"omitnil,min=1,max=65536"`
}

// Check refuses unknown variables and NUL characters (domain.Checker).
func (in CannedInput) Check() []domain.FieldError {
	var out []domain.FieldError
	out = append(out, domain.CheckText("shortcut", in.Shortcut)...)
	out = append(out, domain.CheckText("content", in.Content)...)
	if in.Content != nil {
		for _, m := range cannedVariable.FindAllStringSubmatch(*in.Content, -1) {
			if !slices.Contains(CannedVariables, m[1]) {
				out = append(out, domain.FieldError{Field: "content",
					Message: "unknown variable {{" + m[1] + "}}; known: " + strings.Join(CannedVariables, ", ")})
				break
			}
		}
	}
	return out
}

// Missing lists the fields a create needs.
func (in CannedInput) Missing() []domain.FieldError {
	return required(map[string]bool{"shortcut": in.Shortcut != nil, "content": in.Content != nil})
}

// Immutable: every field of a canned reply can change.
func (in CannedInput) Immutable() []domain.FieldError { return nil }

// CannedListInput pages the canned replies; Search matches the shortcut or the text.
type CannedListInput struct {
	Search *string `json:"search"`
	Paging
}

// CannedRenderInput names a canned reply and the conversation it is for.
type CannedRenderInput struct {
	ChatID        uuid.UUID `json:"chatId"`
	CannedReplyID uuid.UUID `json:"cannedReplyId"`
}

// CannedRendered answers OpCannedRender.
type CannedRendered struct {
	Content string `json:"content"`
}
