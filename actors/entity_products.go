package actors

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Product operations.
const (
	OpProductCreate = "product.create"
	OpProductList   = "product.list"
	OpProductGet    = "product.get"
	OpProductUpdate = "product.update"
	OpProductDelete = "product.delete"
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
	ShortID     *string `json:"shortId" validate:"omitzero,max=50"`
	IsAvailable *bool   `json:"isAvailable"`
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

func init() {
	registerQuery(OpProductCreate, createProduct)
	registerQuery(OpProductList, listProducts)
	registerQuery(OpProductGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		return s.Store.GetProduct(ctx, in.ID)
	})
	registerQuery(OpProductUpdate, updateProduct)
	registerQuery(OpProductDelete, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		return struct{}{}, s.Store.DeleteProduct(ctx, in.ID)
	})
}

func createProduct(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[ProductInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateCreate(in); err != nil {
		return nil, err
	}
	p := persistence.Product{ProductID: uuid.Must(uuid.NewV7()), UserID: callerID(cmd), IsAvailable: true}
	applyProduct(&p, in)
	return s.Store.CreateProduct(ctx, p)
}

func listProducts(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ProductListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	page := in.page()
	list, err := s.Store.ListProducts(ctx, persistence.ProductFilter{IsAvailable: in.IsAvailable, Name: in.Name, SKU: in.SKU,
		Currency: in.Currency, Page: page})
	if err != nil {
		return nil, err
	}
	return pageOf(list, page), nil
}

func updateProduct(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[ProductInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	if err := ValidateUpdate(w.Input); err != nil {
		return nil, err
	}
	p, err := s.Store.GetProduct(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	applyProduct(&p, w.Input)
	return s.Store.UpdateProduct(ctx, p)
}

// applyProduct copies the fields an input sets onto a product.
func applyProduct(p *persistence.Product, in ProductInput) {
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Price != nil {
		p.Price = domain.MustMoney(*in.Price)
	}
	if in.Currency != nil {
		p.Currency = *in.Currency
	}
	if in.IsAvailable != nil {
		p.IsAvailable = *in.IsAvailable
	}
	setText(&p.Description, in.Description)
	setText(&p.SKU, in.SKU)
	setText(&p.ImageURL, in.ImageURL)
	setText(&p.ImageID, in.ImageID)
	setText(&p.ShortID, in.ShortID)
}
