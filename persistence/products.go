package persistence

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/domain"
)

// Product is an item of the tenant's catalogue (seed products).
type Product struct {
	ProductID   uuid.UUID    `json:"productId"`
	UserID      uuid.UUID    `json:"userId"`
	Name        string       `json:"name"`
	Description *string      `json:"description"`
	Price       domain.Money `json:"price"`
	Currency    string       `json:"currency"`
	SKU         *string      `json:"sku"`
	ImageURL    *string      `json:"imageUrl"`
	ImageID     *string      `json:"imageId"`
	// ImageMediaID is an image in the tenant's media store; its signed link is shown as ImageURL.
	ImageMediaID *uuid.UUID `json:"imageMediaId"`
	ShortID      *string    `json:"shortId"`
	IsAvailable  bool       `json:"isAvailable"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
}

// ProductFilter narrows a product list; nil fields do not filter.
type ProductFilter struct {
	IsAvailable *bool
	Name        *string // substring, any case
	SKU         *string // exact
	Currency    *string
	Page
}

const productColumns = `product_id, user_id, name, description, price, currency, sku, image_url, image_id, short_id,
	is_available, created_at, updated_at, image_media_id`

const (
	sqlInsertProduct = `INSERT INTO products (product_id, user_id, name, description, price, currency, sku, image_url,
		image_id, short_id, is_available, image_media_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ` + productColumns
	sqlGetProduct   = `SELECT ` + productColumns + ` FROM products WHERE product_id = $1`
	sqlListProducts = `SELECT ` + productColumns + ` FROM products
		WHERE ($1::boolean IS NULL OR is_available = $1) AND ($2::text IS NULL OR name ILIKE $2)
		  AND ($3::text IS NULL OR sku = $3) AND ($4::text IS NULL OR currency = $4)
		ORDER BY created_at, product_id LIMIT $5 OFFSET $6`
	sqlUpdateProduct = `UPDATE products SET name = $2, description = $3, price = $4, currency = $5, sku = $6,
		image_url = $7, image_id = $8, short_id = $9, is_available = $10, image_media_id = $11, updated_at = now()
		WHERE product_id = $1 RETURNING ` + productColumns
	sqlLockProduct       = `SELECT product_id FROM products WHERE product_id = $1 FOR UPDATE`
	sqlProductUsage      = `SELECT count(*) FROM order_items WHERE product_id = $1`
	sqlDeleteProduct     = `DELETE FROM products WHERE product_id = $1`
	sqlLockProductsShare = `SELECT ` + productColumns + ` FROM products WHERE product_id = ANY($1) FOR SHARE`
)

var productRules = []constraintRule{unique("products_sku_key", "sku", "is already used by another product")}

func scanProduct(row pgx.Row) (Product, error) {
	var p Product
	err := row.Scan(&p.ProductID, &p.UserID, &p.Name, &p.Description, &p.Price, &p.Currency, &p.SKU, &p.ImageURL,
		&p.ImageID, &p.ShortID, &p.IsAvailable, &p.CreatedAt, &p.UpdatedAt, &p.ImageMediaID)
	return p, translate(err, "product")
}

// scanSignedProduct is scanProduct with an image from the media store shown as its signed link.
func (s *TenantStore) scanSignedProduct(row pgx.Row) (Product, error) {
	p, err := scanProduct(row)
	if err == nil && s.MediaURL != nil && p.ImageMediaID != nil {
		u := s.MediaURL(*p.ImageMediaID)
		p.ImageURL = &u
	}
	return p, err
}

// CreateProduct inserts a product; a taken sku is a conflict.
func (s *TenantStore) CreateProduct(ctx context.Context, p Product) (Product, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlInsertProduct, p.ProductID, p.UserID, p.Name, p.Description, p.Price,
		p.Currency, p.SKU, p.ImageURL, p.ImageID, p.ShortID, p.IsAvailable, p.ImageMediaID), s.scanSignedProduct, "product", productRules...)
}

// GetProduct loads one product.
func (s *TenantStore) GetProduct(ctx context.Context, id uuid.UUID) (Product, error) {
	return s.scanSignedProduct(s.Pool.QueryRow(ctx, sqlGetProduct, id))
}

// GetProductRow loads one product as stored: imageUrl is the product's own link even when it has a stored
// image (what an update starts from, so that a signed link is never written back).
func (s *TenantStore) GetProductRow(ctx context.Context, id uuid.UUID) (Product, error) {
	return scanProduct(s.Pool.QueryRow(ctx, sqlGetProduct, id))
}

// ListProducts lists products, oldest first.
func (s *TenantStore) ListProducts(ctx context.Context, f ProductFilter) ([]Product, error) {
	rows, err := s.Pool.Query(ctx, sqlListProducts, f.IsAvailable, containsPattern(f.Name), f.SKU, f.Currency, f.Limit, f.Offset)
	return collect(rows, err, s.scanSignedProduct)
}

// UpdateProduct writes every field of p. Orders keep the price they were placed at.
func (s *TenantStore) UpdateProduct(ctx context.Context, p Product) (Product, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlUpdateProduct, p.ProductID, p.Name, p.Description, p.Price, p.Currency,
		p.SKU, p.ImageURL, p.ImageID, p.ShortID, p.IsAvailable, p.ImageMediaID), s.scanSignedProduct, "product", productRules...)
}

// DeleteProduct removes a product that no order item uses; one in use is a conflict saying how many use it.
func (s *TenantStore) DeleteProduct(ctx context.Context, id uuid.UUID) error {
	return guardedDelete{what: "product", lockSQL: sqlLockProduct, usageSQL: sqlProductUsage, deleteSQL: sqlDeleteProduct,
		nouns: []string{"order item"}, hint: "; mark it unavailable (isAvailable: false) instead"}.run(ctx, s.Pool, id)
}

// lockProducts loads the given products and keeps them from changing until the transaction ends.
func lockProducts(ctx context.Context, tx pgx.Tx, ids []uuid.UUID) (map[uuid.UUID]Product, error) {
	rows, err := tx.Query(ctx, sqlLockProductsShare, ids)
	list, err := collect(rows, err, scanProduct)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Product, len(list))
	for _, p := range list {
		out[p.ProductID] = p
	}
	return out, nil
}

// plural says "1 order item" or "3 order items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
