package sessions

// Registry holds the platform clients a node offers to its session actors.
type Registry struct {
	Webhook *Webhook
	// Fetcher downloads files integrations name by URL, under the webhooks' address guard.
	Fetcher *Fetcher
	// WhatsApp opens WhatsApp connections (whatsmeow in production, FakeWhatsApp in tests).
	WhatsApp WhatsAppFactory
}
