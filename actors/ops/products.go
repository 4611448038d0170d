package ops

import (
	"github.com/aezen/engine/domain"
)

// Product operations.
var (
	OpProductCreate = Declare[Write[ProductInput], Product]("product.create")
	OpProductList   = Declare[ProductListInput, ListPage[Product]]("product.list")
	OpProductGet    = Declare[Ref, Product]("product.get")
	OpProductUpdate = Declare[Write[ProductInput], Product]("product.update")
	OpProductDelete = Declare[Ref, None]("product.delete")
)

// ProductInput is the body of a product create or update. On update, absent fields stay as they are and
// an empty string clears an optional text field.
type ProductInput struct {
	Name        *string `json:"name" validate:"omitnil,min=1,max=200"`
	Description *string `json:"description" validate:"omitzero,max=5000"`
	Price       *string `json:"price"`
	Currency    *string `json:"currency" validate:"omitnil,iso4217"`
	SKU         *string `json:"sku" validate:"omitzero,max=100"`
	ImageURL    *string `json:"imageUrl" validate:"omitzero,http_url,max=2000"`
	ImageID     *string `json:"imageId" validate:"omitzero,max=200"`
	// ImageMediaID names an image uploaded with POST /api/media (an empty string clears it). Setting
	// imageUrl without it clears it too: the product then shows that link.
	ImageMediaID *string `json:"imageMediaId" validate:"omitzero,uuid"`
	ShortID      *string `json:"shortId" validate:"omitzero,max=50"`
	IsAvailable  *bool   `json:"isAvailable"`
}

// Check validates the price (domain.Checker).
func (in ProductInput) Check() []domain.FieldError { return domain.CheckMoney("price", in.Price) }

// Missing lists the fields a create needs.
func (in ProductInput) Missing() []domain.FieldError {
	return required(map[string]bool{"name": in.Name != nil, "price": in.Price != nil, "currency": in.Currency != nil})
}

// Immutable lists fields an update may not send: none for products.
func (in ProductInput) Immutable() []domain.FieldError { return nil }

// ProductListInput filters OpProductList.
type ProductListInput struct {
	IsAvailable *bool   `json:"isAvailable"`
	Name        *string `json:"name"`
	SKU         *string `json:"sku"`
	Currency    *string `json:"currency"`
	Paging
}
