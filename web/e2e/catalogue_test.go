package e2e

import (
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestProductAndOrder: create a product, then an order for a chat's customer from the customer panel, and
// move it along its lifecycle on the Orders screen.
func TestProductAndOrder(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")

	p.Nav("Products")
	form := p.FindName("form", "New product")
	p.Fill(p.FindName("textbox", "Name", form), "Blue shirt")
	p.Fill(p.FindName("textbox", "Price", form), "19.90")
	p.Fill(p.FindName("textbox", "Currency", form), "EUR")
	p.Fill(p.FindName("textbox", "SKU", form), "SHIRT-BLUE")
	p.Click(p.FindName("button", "Create product", form))
	p.FindName("button", "Edit Blue shirt")
	p.Axe("products")
	p.Screenshot("products")

	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	ch.Inbound("m-1", "dana", "I'd like the blue shirt")
	p.Nav("Inbox")
	p.Click(p.Conversation("Customer dana"))
	panel := p.FindName("complementary", "Customer")
	order := p.FindName("form", "New order", panel)
	product := p.FindName("combobox", "Product", order)
	p.Eventually("the product in the catalogue list", func() bool { return strings.Contains(p.Text(product), "Blue shirt") })
	p.Choose(product, "Blue shirt")
	p.Fill(p.FindName("spinbutton", "Quantity", order), "2")
	p.Click(p.FindName("button", "Create order", order))
	p.Eventually("the order in the customer panel", func() bool {
		return strings.Contains(p.Text(panel), "PENDING") && strings.Contains(p.Text(panel), "39.80 EUR")
	})
	p.Axe("chat with customer panel")

	p.Nav("Orders")
	orders := p.FindName("list", "Orders")
	p.Eventually("the order on the Orders screen", func() bool { return strings.Contains(p.Text(orders), "39.80 EUR") })
	p.Click(p.FindName("button", "Details", orders))
	p.Eventually("the order's items", func() bool { return strings.Contains(p.Text(orders), "2 × Blue shirt") })
	p.Click(p.FindName("button", "Mark processing", orders))
	p.Eventually("the order processing", func() bool { return strings.Contains(p.Text(orders), "Processing") })
	p.Axe("orders")
	p.Screenshot("orders")
}
