package sessions

// Registry holds the platform clients a node offers to its session actors.
type Registry struct {
	Webhook *Webhook
	// WhatsApp opens WhatsApp connections (whatsmeow in production, FakeWhatsApp in tests).
	WhatsApp WhatsAppFactory
}
