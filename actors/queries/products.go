package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// GetProduct answers ops.OpProductGet.
func GetProduct(ctx context.Context, s *Scope, in ops.Ref) (ops.Product, error) {
	r, err := getProduct(ctx, s, in)
	return ProductView(r), err
}

// getProduct is GetProduct on the stored row.
func getProduct(ctx context.Context, s *Scope, in ops.Ref) (persistence.Product, error) {
	return s.Store.GetProduct(ctx, in.ID)
}

// DeleteProduct answers ops.OpProductDelete.
func DeleteProduct(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	return ops.None{}, s.Store.DeleteProduct(ctx, in.ID)
}

func CreateProduct(ctx context.Context, s *Scope, w ops.Write[ops.ProductInput]) (ops.Product, error) {
	r, err := createProduct(ctx, s, w)
	return ProductView(r), err
}

func createProduct(ctx context.Context, s *Scope, w ops.Write[ops.ProductInput]) (persistence.Product, error) {
	in := w.Input
	if err := ops.ValidateCreate(in); err != nil {
		return persistence.Product{}, err
	}
	p := persistence.Product{ProductID: uuid.Must(uuid.NewV7()), UserID: callerID(s), IsAvailable: true}
	applyProduct(&p, in)
	return s.Store.CreateProduct(ctx, p)
}

func ListProducts(ctx context.Context, s *Scope, in ops.ProductListInput) (ops.ListPage[ops.Product], error) {
	page := page(in.Paging)
	list, err := s.Store.ListProducts(ctx, persistence.ProductFilter{IsAvailable: in.IsAvailable, Name: in.Name, SKU: in.SKU,
		Currency: in.Currency, Page: page})
	if err != nil {
		return ops.ListPage[ops.Product]{}, err
	}
	return pageOf(viewsOf(list, ProductView), page), nil
}

func UpdateProduct(ctx context.Context, s *Scope, w ops.Write[ops.ProductInput]) (ops.Product, error) {
	r, err := updateProduct(ctx, s, w)
	return ProductView(r), err
}

func updateProduct(ctx context.Context, s *Scope, w ops.Write[ops.ProductInput]) (persistence.Product, error) {
	if err := ops.ValidateUpdate(w.Input); err != nil {
		return persistence.Product{}, err
	}
	p, err := s.Store.GetProduct(ctx, w.ID)
	if err != nil {
		return persistence.Product{}, err
	}
	applyProduct(&p, w.Input)
	return s.Store.UpdateProduct(ctx, p)
}

// applyProduct copies the fields an input sets onto a product.
func applyProduct(p *persistence.Product, in ops.ProductInput) {
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
