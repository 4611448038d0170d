package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/aezen/engine/internal/testkit"
)

// TestLabelsAndCannedReplies: an owner makes labels and a canned reply under Settings, attaches a label to a
// conversation (a chip in the list and the header; the label filter finds it; a rename shows everywhere),
// and "/" in the composer sends the canned reply with its variables filled by the engine.
func TestLabelsAndCannedReplies(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	ch := e.CreateAPIChannel(p.Token(), testkit.NewWebhookReceiver(t).URL)
	ch.Inbound("m-1", "dana", "Where is my parcel?")
	ch.Inbound("m-2", "eli", "Do you ship to Lisbon?")

	p.Nav("Settings")
	p.Fill(p.FindName("textbox", "Label name"), "VIP")
	p.Click(p.FindName("button", "Add label"))
	p.FindName("textbox", "Name of VIP")
	p.Fill(p.FindName("textbox", "Label name"), "Refund")
	p.Click(p.FindName("button", "Add label"))
	p.FindName("textbox", "Name of Refund")
	p.Fill(p.FindName("textbox", "Shortcut"), "thanks")
	p.Fill(p.FindName("textbox", "Text"), "Thank you, {{customer.name}}! It ships today.")
	p.Click(p.FindName("button", "Add canned reply"))
	p.FindName("textbox", "Text of /thanks")
	p.Axe("settings")
	p.Screenshot("settings")

	p.Nav("Inbox")
	p.Click(p.Conversation("Customer dana"))
	p.WaitMessages("Where is my parcel?")
	p.Click(p.FindName("button", "Labels"))
	dialog := p.FindName("dialog", "Labels of the conversation")
	p.Click(p.FindName("checkbox", "VIP", dialog))
	p.Eventually("the checkbox to stay checked", func() bool {
		var on bool
		_ = p.Call(p.FindName("checkbox", "VIP", dialog), `function(){ return this.checked && !this.closest("fieldset").disabled; }`, &on)
		return on
	})
	p.Axe("labels dialog")
	p.Key(kb.Escape)
	p.Eventually("the dialog to close", func() bool { return !p.Has("dialog", Exact("Labels of the conversation")) })
	p.Eventually("the row to carry the label", func() bool { return strings.Contains(p.Conversation("Customer dana").Name, "VIP") })
	need(t, strings.Contains(p.chatHeader(), "VIP"), "the header shows no label: %q", p.chatHeader())

	inbox := p.FindName("region", "Inbox")
	p.Choose(p.FindName("combobox", "Label", inbox), "VIP")
	p.waitRows("only the labelled conversation", "Customer dana")
	p.Choose(p.FindName("combobox", "Label", inbox), "Refund")
	p.waitRows("no conversation labelled Refund")
	p.Choose(p.FindName("combobox", "Label", inbox), "Any label")
	p.waitRows("both conversations", "Customer dana", "Customer eli")

	// "/" offers the canned replies; Enter sends the one chosen, filled by the engine.
	p.Type(p.FindName("textbox", "Message"), "/tha")
	picker := p.FindName("listbox", "Canned replies")
	p.Find("option", Prefix("/thanks"), picker)
	p.Axe("composer with the canned replies picker")
	p.Shortcut("Enter", "Enter", 13) // a real key press: the picker takes it, nothing is typed
	p.WaitMessages("Thank you, Customer dana! It ships today.")
	p.Eventually("the canned reply Sent", func() bool { return strings.Contains(p.MessageItem("Thank you, Customer dana!"), "Sent") })
	var box string
	p.Eval(`document.querySelector("textarea[aria-label=Message]").value`, &box)
	need(t, box == "", "the composer still holds %q", box)

	// A rename shows in the inbox.
	p.Nav("Settings")
	p.Fill(p.FindName("textbox", "Name of VIP"), "Gold")
	p.Click(p.FindName("button", "Save VIP"))
	p.FindName("textbox", "Name of Gold")
	p.Nav("Inbox")
	p.Eventually("the row to show the new name", func() bool { return strings.Contains(p.Conversation("Customer dana").Name, "Gold") })
}
