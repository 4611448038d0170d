package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// labelRoutes: everyone on the team lists labels and puts them on what they can see; owners and admins
// create, change and delete them.
func (s *Server) labelRoutes(r fiber.Router) {
	manage := managersOnly("manage labels")
	r.Get("/labels", func(c *fiber.Ctx) error { return call(s, c, fiber.StatusOK, ops.OpLabelList, ops.None{}) })
	r.Post("/labels", manage, createHandler[ops.LabelInput](s, ops.OpLabelCreate))
	r.Get("/labels/:labelId", getHandler(s, ops.OpLabelGet, "labelId"))
	r.Put("/labels/:labelId", manage, updateHandler[ops.LabelInput](s, ops.OpLabelUpdate, "labelId"))
	r.Delete("/labels/:labelId", manage, deleteHandler(s, ops.OpLabelDelete, "labelId"))
}

// setLabelsRequest is the body of PUT …/labels: the complete list of the record's labels.
type setLabelsRequest struct {
	LabelIDs []string `json:"labelIds" validate:"required,max=50,dive,uuid"`
}

// setLabelsHandler replaces the labels of the record named by the path parameter.
func setLabelsHandler[Out any](s *Server, op ops.Op[ops.SetLabels, Out], param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathUUID(c, param)
		if err != nil {
			return err
		}
		var req setLabelsRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		in := ops.SetLabels{ID: id, LabelIDs: make([]uuid.UUID, 0, len(req.LabelIDs))}
		for _, v := range req.LabelIDs {
			l, err := uuid.Parse(v)
			if err != nil {
				return domain.InvalidField("labelIds", "must be label ids")
			}
			in.LabelIDs = append(in.LabelIDs, l)
		}
		return call(s, c, fiber.StatusOK, op, in)
	}
}
