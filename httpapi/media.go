package httpapi

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
)

// multipartSlack is what a multipart body may carry beyond the file itself (boundaries, part headers,
// small fields) before its Content-Length alone makes it too large.
const multipartSlack = 64 << 10

// mediaDownloadRoute is registered before the routes that require a token: a download takes the bearer
// token or a signed URL (an <img src> or a webhook receiver has no token).
func (s *Server) mediaDownloadRoute(api fiber.Router) {
	api.Get("/media/:mediaId", s.mediaAccess, s.downloadMedia)
}

func (s *Server) mediaRoutes(authed fiber.Router) {
	authed.Post("/media", s.uploadMedia)
}

// isUpload reports whether a request is a media upload, whose body the handler streams itself instead
// of having it read into memory (limitBody).
func isUpload(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && strings.TrimRight(c.Path(), "/") == "/api/media"
}

// limitBody holds every request but uploads to AEZEN_MAX_BODY_BYTES. The server streams request bodies
// (so an upload is never whole in memory); for the other routes this reads the body, up to the limit,
// before the handler runs, and answers 413 above it.
//
// The HTTP server (fasthttp) does not skip what a handler left unread of a streamed body: it would read
// it as the next request on the connection. So a body is either read to its end here (after an upload,
// what remains of it, up to multipartSlack) or the connection is closed after the answer.
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if len(req.Header.Peek(headerTooLarge)) > 0 {
		c.Context().SetConnectionClose()
		if isUpload(c) {
			return media.ErrTooLarge
		}
		return fiber.ErrRequestEntityTooLarge
	}
	if !req.IsBodyStream() {
		return c.Next()
	}
	if isUpload(c) {
		err := c.Next()
		if n, rerr := io.Copy(io.Discard, io.LimitReader(req.BodyStream(), multipartSlack+1)); err != nil || rerr != nil || n > multipartSlack {
			c.Context().SetConnectionClose()
		}
		return err
	}
	limit := s.cfg.MaxBodyBytes
	if req.Header.ContentLength() > limit {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(req.BodyStream(), int64(limit)+1))
	if err != nil {
		c.Context().SetConnectionClose()
		return domain.BadRequest("reading the request body: %v", err)
	}
	if len(body) > limit {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	req.SetBody(body)
	return c.Next()
}

// declaredTooLarge runs when a request's headers are in, before its body. A body whose Content-Length is
// over the limit of its route is not read at all (in streaming mode the server would otherwise wait for its
// first 8 KiB before the handlers run): the request is marked, its body dropped, and limitBody answers 413
// and closes the connection. A client cannot mark its own request: the header is removed first.
func (s *Server) declaredTooLarge(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(headerTooLarge)
	limit := int64(s.cfg.MaxBodyBytes)
	if string(h.Method()) == fiber.MethodPost && strings.TrimRight(string(h.RequestURI()), "/") == "/api/media" {
		limit = s.cfg.MediaMaxBytes + multipartSlack
	}
	if cl := h.ContentLength(); cl > 0 && int64(cl) > limit {
		h.Set(headerTooLarge, strconv.Itoa(cl))
		h.SetContentLength(-2) // no body: the server reads none of it
	}
	return fasthttp.RequestConfig{}
}

// headerTooLarge marks a request whose declared body is over its limit (declaredTooLarge).
const headerTooLarge = "X-Aezen-Body-Too-Large"

// uploadReaders are the buffered readers uploads are parsed through (uploadMedia).
var uploadReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

// uploadMedia stores the multipart field "file": its type is sniffed from the bytes, then it streams to
// the tenant's store in pieces (POST /api/media → 201 with the media object).
func (s *Server) uploadMedia(c *fiber.Ctx) error {
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEMultipartForm || params["boundary"] == "" {
		return &domain.Error{Code: domain.CodeUnsupportedType, Message: "send the file as multipart/form-data in a field named file"}
	}
	if cl := c.Request().Header.ContentLength(); cl > 0 && int64(cl) > s.cfg.MediaMaxBytes+multipartSlack {
		return media.ErrTooLarge
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = strings.NewReader(string(c.Body()))
	}
	// The multipart reader reads through a bufio.Reader of 4 KiB unless it is given a larger one: with
	// this one the body comes off the connection in reads of up to 64 KiB instead of the server's 8 KiB.
	br := uploadReaders.Get().(*bufio.Reader)
	br.Reset(body)
	defer func() {
		br.Reset(nil)
		uploadReaders.Put(br)
	}()
	mr := multipart.NewReader(br, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return domain.InvalidField("file", "is required (a multipart field named file)")
		}
		if err != nil {
			return domain.BadRequest("malformed multipart body: %v", err)
		}
		if part.FormName() == "file" {
			return s.storeUpload(c, part)
		}
		if n, _ := io.Copy(io.Discard, io.LimitReader(part, multipartSlack+1)); n > multipartSlack {
			return domain.InvalidField(part.FormName(), "is too large; only the field file may be large")
		}
	}
}

func (s *Server) storeUpload(c *fiber.Ctx, part *multipart.Part) error {
	policy := media.NewPolicy(s.cfg.MediaMaxBytes, s.cfg.MediaAllowedTypes)
	typ, r, err := policy.Sniff(part, part.Header.Get(fiber.HeaderContentType))
	if err != nil {
		return err
	}
	r = media.LimitReader(r, s.cfg.MediaMaxBytes)
	tenantID, who := caller(c).TenantID, actorCaller(c)
	up, err := node.Call(c.UserContext(), s.node, tenantID, who, ops.OpMediaUploadBegin,
		ops.MediaUploadBegin{MimeType: typ, FileName: cleanFileName(part.FileName())})
	if err != nil {
		return err
	}
	abort := func(err error) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = node.Call(ctx, s.node, tenantID, who, ops.OpMediaUploadAbort, up)
		return err
	}
	// One buffer for every piece. Within a member a piece is handed over, not copied, but once a write has
	// been answered nothing refers to it any more: the upload takes piece seq under its lock, once (a
	// retried call that finds it taken reads nothing), and has copied it into the store before it answers
	// (media.Uploads.Write). After a failed write a try may still be running, so the buffer is then left
	// to the collector rather than given back to the pool.
	buf := media.GetBuffer()
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if _, werr := node.Call(c.UserContext(), s.node, tenantID, who, ops.OpMediaUploadWrite,
				ops.MediaUploadPiece{UploadID: up.UploadID, Seq: seq, Data: buf[:n]}); werr != nil {
				return abort(werr)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			media.PutBuffer(buf)
			if domain.AsError(err) == nil {
				err = domain.BadRequest("reading the file: %v", err)
			}
			return abort(err)
		}
	}
	media.PutBuffer(buf)
	obj, err := node.Call(c.UserContext(), s.node, tenantID, who, ops.OpMediaUploadFinish, up)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(obj)
}

// cleanFileName keeps the last element of a client's file name, without control characters, at most 255 bytes.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	for len(name) > 255 {
		_, size := lastRune(name)
		name = name[:len(name)-size]
	}
	return name
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, len(s)
}

type mediaTenantKey struct{}

// mediaAccess lets a download through with a valid signed URL (tenant, expires and signature in the query)
// or, without one, with the bearer token like every other route.
func (s *Server) mediaAccess(c *fiber.Ctx) error {
	sig := c.Query(media.ParamSignature)
	if sig == "" {
		return s.requireAuth(c)
	}
	id, err := pathUUID(c, "mediaId")
	if err != nil {
		return err
	}
	tenantID, ok := s.mediaSigner.Verify(id, c.Query(media.ParamTenant), c.Query(media.ParamExpires), sig, time.Now())
	if !ok {
		return domain.Forbidden("this media link has expired or is not valid; ask for the message again for a fresh one")
	}
	c.Locals(mediaTenantKey{}, tenantID)
	return c.Next()
}

// downloadMedia streams a media object with its type, length, ETag and single-range support
// (GET /api/media/:mediaId). The bytes come from the tenant's member a piece at a time.
func (s *Server) downloadMedia(c *fiber.Ctx) error {
	id, err := pathUUID(c, "mediaId")
	if err != nil {
		return err
	}
	tenantID, who := caller(c).TenantID, actorCaller(c)
	if t, ok := c.Locals(mediaTenantKey{}).(uuid.UUID); ok {
		tenantID = t
	}
	obj, err := node.Call(c.UserContext(), s.node, tenantID, who, ops.OpMediaStat, ops.MediaRef{MediaID: id})
	if err != nil {
		return err
	}
	if obj.State != media.StateReady {
		return domain.Conflict("media %s is %s: its bytes are not here (yet)", id, obj.State)
	}
	etag := obj.ETag()
	h := &c.Response().Header
	h.Set(fiber.HeaderETag, etag)
	h.Set(fiber.HeaderAcceptRanges, "bytes")
	h.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	h.Set(fiber.HeaderContentDisposition, disposition(obj))
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	h.Set(fiber.HeaderContentType, obj.MimeType)
	start, length := int64(0), obj.Size
	if rh := c.Get(fiber.HeaderRange); rh != "" && (c.Get(fiber.HeaderIfRange) == "" || c.Get(fiber.HeaderIfRange) == etag) {
		from, n, ok, satisfiable := parseByteRange(rh, obj.Size)
		switch {
		case ok && !satisfiable:
			h.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(obj.Size, 10))
			return &domain.Error{Code: codeRangeNotSatisfiable, Message: "the range is outside the file's " + strconv.FormatInt(obj.Size, 10) + " bytes"}
		case ok:
			start, length = from, n
			c.Status(fiber.StatusPartialContent)
			h.Set(fiber.HeaderContentRange, "bytes "+strconv.FormatInt(from, 10)+"-"+strconv.FormatInt(from+n-1, 10)+"/"+strconv.FormatInt(obj.Size, 10))
		}
	}
	if length == 0 {
		return c.Send(nil)
	}
	c.Context().SetBodyStream(&remoteMedia{node: s.node, tenantID: tenantID, who: who, id: id, off: start, end: start + length,
		timeout: s.cfg.RequestTimeout}, int(length))
	return nil
}

// codeRangeNotSatisfiable is the error code of a 416.
const codeRangeNotSatisfiable = "range_not_satisfiable"

// remoteMedia reads a range of a media object from the tenant's member, one piece of at most
// media.ChunkSize per operation, as the server writes the response. The server writes it with WriteTo, a
// piece at a time, straight from the piece's buffer (Read would have it copied through the connection's
// 4 KiB buffer); each piece's buffer goes back to media's pool once written (queries.MediaRead).
type remoteMedia struct {
	node     *node.Node
	tenantID uuid.UUID
	who      node.Caller
	id       uuid.UUID
	off, end int64
	piece    []byte // the last piece read, to give back
	buf      []byte // what is left of it to write
	timeout  time.Duration
}

// next fetches the next piece once the last one is written; it answers io.EOF at the end of the range.
func (m *remoteMedia) next() error {
	if len(m.buf) > 0 {
		return nil
	}
	m.release()
	if m.off >= m.end {
		return io.EOF
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.timeout)
	defer cancel()
	// Pieces end on the store's chunk boundaries, so that a range that starts within a chunk costs one
	// read of the store per piece rather than two.
	length := min(media.ChunkSize-m.off%media.ChunkSize, m.end-m.off)
	in := ops.MediaReadInput{MediaID: m.id, Offset: m.off, Length: length}
	piece, err := node.Call(ctx, m.node, m.tenantID, m.who, ops.OpMediaRead, in)
	if err != nil {
		return err
	}
	if len(piece.Data) == 0 {
		return io.ErrUnexpectedEOF
	}
	m.piece, m.buf = piece.Data, piece.Data
	m.off += int64(len(piece.Data))
	return nil
}

func (m *remoteMedia) Read(p []byte) (int, error) {
	if err := m.next(); err != nil {
		return 0, err
	}
	n := copy(p, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}

// WriteTo writes the rest of the range to w, a piece at a time.
func (m *remoteMedia) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if err := m.next(); err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return total, err
		}
		n, err := w.Write(m.buf)
		total += int64(n)
		m.buf = m.buf[n:]
		if err != nil {
			return total, err
		}
	}
}

// Close gives back the last piece's buffer (the server closes a body stream once the response is written,
// or abandoned).
func (m *remoteMedia) Close() error {
	m.buf = nil
	m.release()
	return nil
}

func (m *remoteMedia) release() {
	if m.piece != nil {
		media.PutBuffer(m.piece)
		m.piece = nil
	}
}

// parseByteRange reads a Range header of one byte range ("bytes=0-99", "bytes=100-", "bytes=-50").
// ok is false for what the server ignores (other units, several ranges, malformed): the whole file is
// sent. satisfiable is false for a range that starts beyond the file (416).
func parseByteRange(h string, size int64) (start, length int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		n = min(n, size)
		return size - n, n, true, true
	}
	from, err := strconv.ParseInt(first, 10, 64)
	if err != nil || from < 0 {
		return 0, 0, false, false
	}
	to := size - 1
	if last != "" {
		if to, err = strconv.ParseInt(last, 10, 64); err != nil || to < from {
			return 0, 0, false, false
		}
		to = min(to, size-1)
	}
	if from >= size {
		return 0, 0, true, false
	}
	return from, to - from + 1, true, true
}

// etagMatches reports whether an If-None-Match header names the entity tag (or is "*").
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// disposition shows images, video, audio and PDFs in place and offers everything else as a download,
// under the name it was uploaded with.
func disposition(o media.Object) string {
	kind := "attachment"
	base, _, _ := strings.Cut(o.MimeType, ";")
	if strings.HasPrefix(base, "image/") || strings.HasPrefix(base, "video/") || strings.HasPrefix(base, "audio/") || base == "application/pdf" {
		kind = "inline"
	}
	if o.FileName == "" {
		return kind
	}
	if v := mime.FormatMediaType(kind, map[string]string{"filename": o.FileName}); v != "" {
		return v
	}
	return kind
}

// mediaKinds are the content types of media messages and the file types each takes ("" takes any).
var mediaKinds = map[string]string{"IMAGE": "image/", "VIDEO": "video/", "AUDIO": "audio/", "FILE": "", "STICKER": "image/webp"}

// checkSendMedia checks the file of a media message: a media message needs mediaId, naming a READY file of
// the caller's tenant whose type fits the content type; any other message needs content and no mediaId.
func (s *Server) checkSendMedia(c *fiber.Ctx, req sendRequest) (*uuid.UUID, error) {
	prefix, isMedia := mediaKinds[req.ContentType]
	switch {
	case !isMedia && req.MediaID != nil:
		return nil, domain.InvalidField("mediaId", "goes with contentType IMAGE, VIDEO, AUDIO, FILE or STICKER")
	case !isMedia && req.Content == "":
		return nil, domain.InvalidField("content", "is required")
	case !isMedia:
		return nil, nil
	case req.MediaID == nil:
		return nil, domain.InvalidField("mediaId", "is required for a "+req.ContentType+" message (upload the file with POST /api/media)")
	}
	id := uuid.MustParse(*req.MediaID)
	obj, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpMediaStat, ops.MediaRef{MediaID: id})
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.InvalidField("mediaId", "does not name a file of this tenant")
	}
	if err != nil {
		return nil, err
	}
	if obj.State != media.StateReady {
		return nil, domain.InvalidField("mediaId", "names a file that is "+obj.State+", not READY")
	}
	if !strings.HasPrefix(obj.MimeType, prefix) {
		return nil, domain.InvalidField("mediaId", "is a "+obj.MimeType+" file, which cannot be sent as "+req.ContentType)
	}
	return &id, nil
}
