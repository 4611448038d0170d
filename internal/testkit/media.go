package testkit

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
)

// Upload posts data to POST /api/media as the multipart field "file" named name; partType is the type the
// client declares for the part ("" declares none).
func (e *Client) Upload(token, name, partType string, data []byte) Response {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	if partType != "" {
		h.Set("Content-Type", partType)
	}
	part, err := w.CreatePart(h)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = part.Write(data)
	_ = w.Close()
	return e.Do("POST", "/api/media", token, body.Bytes(), "Content-Type: "+w.FormDataContentType())
}
