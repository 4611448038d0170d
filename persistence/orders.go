package persistence

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/domain"
)

// Order is a customer's order (seed orders). Its total is the sum of its items, computed by the engine.
type Order struct {
	OrderID         uuid.UUID       `json:"orderId"`
	CustomerID      uuid.UUID       `json:"customerId"`
	ChannelID       uuid.UUID       `json:"channelId"`
	UserID          uuid.UUID       `json:"userId"`
	PlatformOrderID *string         `json:"platformOrderId"`
	OrderStatus     string          `json:"orderStatus"`
	TotalAmount     domain.Money    `json:"totalAmount"`
	Currency        string          `json:"currency"`
	ShippingAddress json.RawMessage `json:"shippingAddress"`
	BillingAddress  json.RawMessage `json:"billingAddress"`
	CreatedAt       time.Time       `json:"createdAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
}

// OrderItem is one line of an order (seed orderItems): the product's price and currency when it was bought.
type OrderItem struct {
	OrderItemID        uuid.UUID    `json:"orderItemId"`
	OrderID            uuid.UUID    `json:"orderId"`
	ProductID          uuid.UUID    `json:"productId"`
	Quantity           int          `json:"quantity"`
	PriceAtPurchase    domain.Money `json:"priceAtPurchase"`
	CurrencyAtPurchase string       `json:"currencyAtPurchase"`
}

// OrderFilter narrows an order list; nil fields do not filter. CreatedTo is exclusive.
type OrderFilter struct {
	OrderStatus *string
	CustomerID  *uuid.UUID
	ChannelID   *uuid.UUID
	CreatedFrom *time.Time
	CreatedTo   *time.Time
	Page
}

// PriceOrder turns the requested lines into the items to store and the order's total, given the ordered
// products (locked until the order commits; a product that does not exist is absent from the map).
type PriceOrder func(products map[uuid.UUID]Product) ([]OrderItem, domain.Money, error)

const orderColumns = `order_id, customer_id, channel_id, user_id, platform_order_id, order_status::text, total_amount,
	currency, shipping_address, billing_address, created_at, updated_at`

const itemColumns = `order_item_id, order_id, product_id, quantity, price_at_purchase, currency_at_purchase`

const (
	sqlInsertOrder = `INSERT INTO orders (order_id, customer_id, channel_id, user_id, platform_order_id, order_status,
		total_amount, currency, shipping_address, billing_address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING ` + orderColumns
	sqlInsertItem = `INSERT INTO order_items (order_item_id, order_id, product_id, quantity, price_at_purchase,
		currency_at_purchase) VALUES ($1, $2, $3, $4, $5, $6)`
	sqlGetOrder   = `SELECT ` + orderColumns + ` FROM orders WHERE order_id = $1`
	sqlLockOrder  = sqlGetOrder + ` FOR UPDATE`
	sqlListOrders = `SELECT ` + orderColumns + ` FROM orders
		WHERE ($1::order_status IS NULL OR order_status = $1) AND ($2::uuid IS NULL OR customer_id = $2)
		  AND ($3::uuid IS NULL OR channel_id = $3) AND ($4::timestamptz IS NULL OR created_at >= $4)
		  AND ($5::timestamptz IS NULL OR created_at < $5)
		ORDER BY created_at, order_id LIMIT $6 OFFSET $7`
	sqlUpdateOrder = `UPDATE orders SET user_id = $2, platform_order_id = $3, order_status = $4, shipping_address = $5,
		billing_address = $6, updated_at = now() WHERE order_id = $1 RETURNING ` + orderColumns
	sqlDeleteOrder  = `DELETE FROM orders WHERE order_id = $1`
	sqlItemsOfOrder = `SELECT ` + itemColumns + ` FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, order_item_id`
	// sqlOrdersOfCustomers embeds the newest orders of each customer.
	sqlOrdersOfCustomers = `SELECT ` + orderColumns + ` FROM (
			SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC, order_id DESC) AS n
			FROM orders WHERE customer_id = ANY($1)) o
		WHERE n <= $2 ORDER BY customer_id, created_at, order_id`
)

var orderRules = []constraintRule{
	reference("orders_customer_id_fkey", "customerId", "does not name a customer of this tenant"),
	reference("orders_channel_id_fkey", "channelId", "does not name a channel of this tenant"),
	reference("order_items_product_id_fkey", "items", "names a product that no longer exists"),
}

func scanOrder(row pgx.Row) (Order, error) {
	var o Order
	err := row.Scan(&o.OrderID, &o.CustomerID, &o.ChannelID, &o.UserID, &o.PlatformOrderID, &o.OrderStatus, &o.TotalAmount,
		&o.Currency, &o.ShippingAddress, &o.BillingAddress, &o.CreatedAt, &o.UpdatedAt)
	return o, translate(err, "order")
}

func scanItem(row pgx.Row) (OrderItem, error) {
	var i OrderItem
	err := row.Scan(&i.OrderItemID, &i.OrderID, &i.ProductID, &i.Quantity, &i.PriceAtPurchase, &i.CurrencyAtPurchase)
	return i, translate(err, "order item")
}

// CreateOrder stores an order with its items in one transaction. The ordered products are locked while
// price computes the items and the total, so the snapshot matches the catalogue at commit.
func (s *TenantStore) CreateOrder(ctx context.Context, o Order, productIDs []uuid.UUID, price PriceOrder) (Order, []OrderItem, error) {
	var out Order
	var items []OrderItem
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		products, err := lockProducts(ctx, tx, productIDs)
		if err != nil {
			return err
		}
		items, o.TotalAmount, err = price(products)
		if err != nil {
			return err
		}
		out, err = scanExplained(tx.QueryRow(ctx, sqlInsertOrder, o.OrderID, o.CustomerID, o.ChannelID, o.UserID,
			o.PlatformOrderID, o.OrderStatus, o.TotalAmount, o.Currency, jsonOrNil(o.ShippingAddress),
			jsonOrNil(o.BillingAddress)), scanOrder, "order", orderRules...)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for i := range items {
			items[i].OrderID = out.OrderID
			it := items[i]
			b.Queue(sqlInsertItem, it.OrderItemID, it.OrderID, it.ProductID, it.Quantity, it.PriceAtPurchase, it.CurrencyAtPurchase)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return Order{}, nil, explain(err, "order", orderRules...)
	}
	return out, items, nil
}

// GetOrder loads one order.
func (s *TenantStore) GetOrder(ctx context.Context, id uuid.UUID) (Order, error) {
	return scanOrder(s.Pool.QueryRow(ctx, sqlGetOrder, id))
}

// ListOrders lists orders, oldest first.
func (s *TenantStore) ListOrders(ctx context.Context, f OrderFilter) ([]Order, error) {
	rows, err := s.Pool.Query(ctx, sqlListOrders, f.OrderStatus, f.CustomerID, f.ChannelID, f.CreatedFrom, f.CreatedTo,
		f.Limit, f.Offset)
	return collect(rows, err, scanOrder)
}

// UpdateOrder changes an order under a row lock: change sees the stored order and returns it as it must be
// written (user, platform id, status, addresses), or the reason to refuse.
func (s *TenantStore) UpdateOrder(ctx context.Context, id uuid.UUID, change func(Order) (Order, error)) (Order, error) {
	var out Order
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		cur, err := scanOrder(tx.QueryRow(ctx, sqlLockOrder, id))
		if err != nil {
			return err
		}
		next, err := change(cur)
		if err != nil {
			return err
		}
		out, err = scanOrder(tx.QueryRow(ctx, sqlUpdateOrder, id, next.UserID, next.PlatformOrderID, next.OrderStatus,
			jsonOrNil(next.ShippingAddress), jsonOrNil(next.BillingAddress)))
		return err
	})
	return out, err
}

// DeleteOrder removes an order and its items.
func (s *TenantStore) DeleteOrder(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.Pool, "order", sqlDeleteOrder, id)
}

// ItemsOfOrders loads the items of the given orders, grouped by order.
func (s *TenantStore) ItemsOfOrders(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]OrderItem, error) {
	rows, err := s.Pool.Query(ctx, sqlItemsOfOrder, ids)
	list, err := collect(rows, err, scanItem)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]OrderItem, len(ids))
	for _, it := range list {
		out[it.OrderID] = append(out[it.OrderID], it)
	}
	return out, nil
}

// OrdersOfCustomers loads the newest EmbedLimit orders of each given customer, oldest first.
func (s *TenantStore) OrdersOfCustomers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Order, error) {
	rows, err := s.Pool.Query(ctx, sqlOrdersOfCustomers, ids, EmbedLimit)
	list, err := collect(rows, err, scanOrder)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]Order, len(ids))
	for _, o := range list {
		out[o.CustomerID] = append(out[o.CustomerID], o)
	}
	return out, nil
}
