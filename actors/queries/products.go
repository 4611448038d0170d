package queries

import (
	"context"
	"errors"
	"strings"

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
	if err := applyProduct(ctx, s, &p, in); err != nil {
		return persistence.Product{}, err
	}
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
	p, err := s.Store.GetProductRow(ctx, w.ID)
	if err != nil {
		return persistence.Product{}, err
	}
	if err := applyProduct(ctx, s, &p, w.Input); err != nil {
		return persistence.Product{}, err
	}
	return s.Store.UpdateProduct(ctx, p)
}

// applyProduct copies the fields an input sets onto a product.
func applyProduct(ctx context.Context, s *Scope, p *persistence.Product, in ops.ProductInput) error {
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
	switch {
	case in.ImageMediaID != nil && *in.ImageMediaID == "":
		p.ImageMediaID = nil
	case in.ImageMediaID != nil:
		id := uuid.MustParse(*in.ImageMediaID) // validated as a uuid
		if err := productImage(ctx, s, id); err != nil {
			return err
		}
		p.ImageMediaID = &id
	case in.ImageURL != nil:
		p.ImageMediaID = nil // a link of its own replaces the stored image
	}
	return nil
}

// productImage checks that a product image names a picture of the tenant's media store that the caller may
// see (an agent under "only mine" cannot publish a file of a conversation hidden from them).
func productImage(ctx context.Context, s *Scope, id uuid.UUID) error {
	obj, err := s.Media.Stat(ctx, id)
	if err == nil {
		err = s.mediaVisible(ctx, id)
	}
	if errors.Is(err, domain.ErrNotFound) {
		return domain.InvalidField("imageMediaId", "does not name a file of this tenant (upload it with POST /api/media)")
	}
	if err != nil {
		return err
	}
	if !strings.HasPrefix(obj.MimeType, "image/") {
		return domain.InvalidField("imageMediaId", "names a "+obj.MimeType+" file, not an image")
	}
	return nil
}
