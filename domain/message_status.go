package domain

// MessageStatus is where a message stands. Inbound messages are RECEIVED and stay so; outbound ones
// follow the machine below. It is a type of its own so that the machine's rules are methods on it.
type MessageStatus string

// Message statuses.
const (
	StatusReceived  MessageStatus = "RECEIVED"
	StatusPending   MessageStatus = "PENDING"
	StatusSent      MessageStatus = "SENT"
	StatusDelivered MessageStatus = "DELIVERED"
	StatusRead      MessageStatus = "READ"
	StatusFailed    MessageStatus = "FAILED"
)

// MessageStatuses (tenant type message_status).
var MessageStatuses = newEnum("messagestatus", StatusReceived, StatusPending, StatusSent, StatusDelivered,
	StatusRead, StatusFailed)

// ReceiptStatuses are what a receiver may report about a message it got (the API channel's signed status
// call, WhatsApp receipts).
var ReceiptStatuses = newEnum("receiptstatus", StatusDelivered, StatusRead)

// outboundMoves is the outbound status machine: a message is committed PENDING, its channel's session
// reports SENT (delivered to the platform) or FAILED (given up), and receipts move it to DELIVERED and READ.
// Receipts may overtake the session's report (a fast phone), and a receipt for a message given up as
// FAILED means it got there after all, so they move any earlier status; nothing ever moves backwards, so
// a late SENT after DELIVERED, or a DELIVERED after READ, changes nothing. The SQL guard
// (message_status_rank in the tenant schema) enforces the same rule; persistence/enums_test.go checks
// that the two agree.
var outboundMoves = map[MessageStatus][]MessageStatus{
	StatusPending:   {StatusSent, StatusFailed, StatusDelivered, StatusRead},
	StatusSent:      {StatusDelivered, StatusRead},
	StatusFailed:    {StatusDelivered, StatusRead},
	StatusDelivered: {StatusRead},
}

// CanMoveTo reports whether an outbound message in status s may move to status to.
func (s MessageStatus) CanMoveTo(to MessageStatus) bool {
	for _, next := range outboundMoves[s] {
		if next == to {
			return true
		}
	}
	return false
}
