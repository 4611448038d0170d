package domain

// Order statuses (seed orderStatusEnum).
const (
	OrderPending    = "PENDING"
	OrderProcessing = "PROCESSING"
	OrderShipped    = "SHIPPED"
	OrderDelivered  = "DELIVERED"
	OrderCancelled  = "CANCELLED"
	OrderRefunded   = "REFUNDED"
)

// orderTransitions is the order lifecycle: PENDING → PROCESSING → SHIPPED → DELIVERED; an order not yet
// shipped can be cancelled; one shipped or delivered can be refunded. CANCELLED and REFUNDED are final.
var orderTransitions = map[string][]string{
	OrderPending:    {OrderProcessing, OrderCancelled},
	OrderProcessing: {OrderShipped, OrderCancelled},
	OrderShipped:    {OrderDelivered, OrderRefunded},
	OrderDelivered:  {OrderRefunded},
	OrderCancelled:  nil,
	OrderRefunded:   nil,
}

// OrderTransitionAllowed reports whether an order may move from one status to another. Staying in the
// same status is always allowed.
func OrderTransitionAllowed(from, to string) bool {
	if from == to {
		return true
	}
	for _, next := range orderTransitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// NextOrderStatuses lists the statuses an order may move to from the given one.
func NextOrderStatuses(from string) []string { return orderTransitions[from] }
