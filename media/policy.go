package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/aezen/engine/domain"
)

// DefaultMaxBytes is the default size limit of one file (AEZEN_MEDIA_MAX_BYTES): 16 MiB, WhatsApp's
// limit for images, audio and video.
const DefaultMaxBytes = 16 << 20

// DefaultAllowedTypes are the types accepted unless AEZEN_MEDIA_ALLOWED_TYPES says otherwise: what WhatsApp
// carries as images, video, audio, stickers and documents. Scriptable types (HTML, SVG) are left out on
// purpose: they are served from the engine's own origin.
var DefaultAllowedTypes = []string{
	"image/jpeg", "image/png", "image/gif", "image/webp",
	"video/mp4", "video/3gpp", "video/quicktime", "video/webm",
	"audio/ogg", "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/amr", "audio/wav",
	"application/pdf", "text/plain", "text/csv", "application/zip",
	"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
}

// sniffBytes is how much of a file the type detection reads (mimetype's own default).
const sniffBytes = 3072

// Policy is what a tenant may store: the size limit and the allowed types ("type/subtype" or "type/*").
type Policy struct {
	MaxBytes int64
	Allowed  []string
}

// Sniff reads the head of r, finds the file's type from its bytes and checks it: it must be allowed, and
// when the client declared a type (anything but empty or application/octet-stream), the bytes must be of
// that type or of a type under it (a .docx declared as application/zip). It answers the sniffed type and a
// reader that yields the whole stream, head included.
func (p Policy) Sniff(r io.Reader, declared string) (string, io.Reader, error) {
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", nil, err
	}
	head = head[:n]
	if n == 0 {
		return "", nil, domain.InvalidField("file", "is empty")
	}
	detected := mimetype.Detect(head)
	base := baseType(detected.String())
	if d := baseType(declared); d != "" && d != "application/octet-stream" && !isOrUnder(detected, d) {
		return "", nil, &domain.Error{Code: domain.CodeUnsupportedType,
			Message: fmt.Sprintf("the file was declared as %s but its bytes are %s", d, base)}
	}
	if !p.allows(base) {
		return "", nil, &domain.Error{Code: domain.CodeUnsupportedType,
			Message: fmt.Sprintf("files of type %s are not accepted", base)}
	}
	return detected.String(), io.MultiReader(bytes.NewReader(head), r), nil
}

// allows reports whether a base type is on the allowed list.
func (p Policy) allows(base string) bool {
	for _, a := range p.Allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == base || (strings.HasSuffix(a, "/*") && strings.HasPrefix(base, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}

// isOrUnder reports whether the detected type, or one of the types it specialises, is the declared one.
func isOrUnder(detected *mimetype.MIME, declared string) bool {
	for m := detected; m != nil; m = m.Parent() {
		if m.Is(declared) {
			return true
		}
	}
	return false
}

// baseType is the lower-case "type/subtype" of a media type, without parameters ("" when unparseable).
func baseType(t string) string {
	if strings.TrimSpace(t) == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.SplitN(t, ";", 2)[0]))
	}
	return mt
}

// NewPolicy is the policy of a size limit and an allowed list; an empty list means DefaultAllowedTypes.
func NewPolicy(maxBytes int64, allowed []string) Policy {
	if len(allowed) == 0 {
		allowed = DefaultAllowedTypes
	}
	return Policy{MaxBytes: maxBytes, Allowed: allowed}
}
