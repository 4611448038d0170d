package sessions

// Registry holds the platform clients a node offers to its session actors.
type Registry struct {
	Webhook *Webhook
}
