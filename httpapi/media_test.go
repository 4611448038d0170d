package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/media"
)

type mediaObject struct {
	MediaID  string `json:"mediaId"`
	MimeType string `json:"mimeType"`
	Size     int64  `json:"size"`
	FileName string `json:"fileName"`
	SHA256   string `json:"sha256"`
	URL      string `json:"url"`
	State    string `json:"state"`
}

// pngOf is a file that sniffs as PNG: a real PNG header followed by n random bytes.
func pngOf(n int) []byte {
	head := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	tail := make([]byte, n)
	_, _ = rand.Read(tail)
	return append(head, tail...)
}

func upload(t *testing.T, e *testkit.Engine, token, name, partType string, data []byte) mediaObject {
	t.Helper()
	r := e.Upload(token, name, partType, data)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: status %d: %s", r.Status, r.Body)
	}
	var obj mediaObject
	r.JSON(t, &obj)
	return obj
}

func TestMediaUploadDownloadRangesAndETag(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	data := pngOf(media.ChunkSize + 100_000) // two chunk rows
	obj := upload(t, e, acct.Token, "photo.png", "image/png", data)
	sum := sha256.Sum256(data)
	if obj.MimeType != "image/png" || obj.Size != int64(len(data)) || obj.FileName != "photo.png" ||
		obj.SHA256 != hex.EncodeToString(sum[:]) || obj.State != "READY" || !strings.Contains(obj.URL, "/api/media/"+obj.MediaID+"?") {
		t.Fatalf("upload answered %+v", obj)
	}
	path := "/api/media/" + obj.MediaID

	r := e.Must(http.StatusOK, "GET", path, acct.Token, nil, nil)
	if !bytes.Equal(r.Body, data) {
		t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(r.Body), len(data))
	}
	etag := `"` + obj.SHA256 + `"`
	for k, want := range map[string]string{"Content-Type": "image/png", "Content-Length": strconv.Itoa(len(data)),
		"Etag": etag, "Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff"} {
		if got := r.Header.Get(k); got != want {
			t.Fatalf("%s = %q, want %q", k, got, want)
		}
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") || !strings.Contains(cd, "photo.png") {
		t.Fatalf("Content-Disposition %q", cd)
	}

	ranges := []struct {
		header     string
		from, upTo int // data[from:upTo]
	}{
		{"bytes=0-99", 0, 100},
		{fmt.Sprintf("bytes=%d-%d", media.ChunkSize-5, media.ChunkSize+4), media.ChunkSize - 5, media.ChunkSize + 5},
		{"bytes=-10", len(data) - 10, len(data)},
		{fmt.Sprintf("bytes=%d-", len(data)-3), len(data) - 3, len(data)},
		{fmt.Sprintf("bytes=5-%d", len(data)+1000), 5, len(data)},
	}
	for _, rg := range ranges {
		r := e.Must(http.StatusPartialContent, "GET", path, acct.Token, nil, nil, "Range: "+rg.header)
		want := fmt.Sprintf("bytes %d-%d/%d", rg.from, rg.upTo-1, len(data))
		if !bytes.Equal(r.Body, data[rg.from:rg.upTo]) || r.Header.Get("Content-Range") != want {
			t.Fatalf("%s: Content-Range %q (want %q), %d bytes", rg.header, r.Header.Get("Content-Range"), want, len(r.Body))
		}
	}
	r = e.Do("GET", path, acct.Token, nil, fmt.Sprintf("Range: bytes=%d-", len(data)))
	if r.Status != http.StatusRequestedRangeNotSatisfiable || r.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(data)) {
		t.Fatalf("range past the end: %d %q", r.Status, r.Header.Get("Content-Range"))
	}
	// A range the server does not serve (several of them) gets the whole file; a stale If-Range too.
	if r := e.Must(http.StatusOK, "GET", path, acct.Token, nil, nil, "Range: bytes=0-1,5-6"); len(r.Body) != len(data) {
		t.Fatal("a multi-range request did not get the whole file")
	}
	if r := e.Must(http.StatusOK, "GET", path, acct.Token, nil, nil, "Range: bytes=0-1", `If-Range: "other"`); len(r.Body) != len(data) {
		t.Fatal("a stale If-Range did not get the whole file")
	}
	if r := e.Do("GET", path, acct.Token, nil, "If-None-Match: "+etag); r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Fatalf("If-None-Match with the ETag: %d, %d bytes", r.Status, len(r.Body))
	}
	if r := e.Do("GET", "/api/media/"+uuid.NewString(), acct.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown media id: %d", r.Status)
	}
	if r := e.Do("GET", "/api/media/not-a-uuid", acct.Token, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("bad media id: %d", r.Status)
	}
}

func TestMediaSignedURLsAndTenancy(t *testing.T) {
	e := testkit.StartDefault(t)
	a, b := e.SignUp(), e.SignUp()
	data := pngOf(2000)
	obj := upload(t, e, a.Token, "a.png", "", data)

	// The signed URL works without a token.
	if r := e.Must(http.StatusOK, "GET", obj.URL, "", nil, nil); !bytes.Equal(r.Body, data) {
		t.Fatal("the signed URL served other bytes")
	}
	if r := e.Do("GET", "/api/media/"+obj.MediaID, "", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token, no signature: %d", r.Status)
	}
	u, _ := url.Parse(obj.URL)
	q := u.Query()
	tampered := func(k, v string) string {
		q2 := u.Query()
		q2.Set(k, v)
		return u.Path + "?" + q2.Encode()
	}
	sig := q.Get(media.ParamSignature)
	flipped := "A" // a first character other than the signature's own (it starts with "A" one time in 64)
	if sig[0] == 'A' {
		flipped = "B"
	}
	for _, bad := range []string{tampered(media.ParamSignature, flipped+sig[1:]),
		tampered(media.ParamExpires, strconv.FormatInt(time.Now().Add(1000*time.Hour).Unix(), 10)),
		tampered(media.ParamTenant, b.TenantID)} {
		if r := e.Do("GET", bad, "", nil); r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
			t.Fatalf("tampered URL %s: %d", bad, r.Status)
		}
	}
	// An expired URL, signed with the node's own key a day and a half ago.
	signer := media.NewSigner(e.Cfg.JWTSecret, e.Cfg.MediaURLTTL, "")
	old := signer.URL(uuid.MustParse(a.TenantID), uuid.MustParse(obj.MediaID), time.Now().Add(-36*time.Hour))
	if r := e.Do("GET", old, "", nil); r.Status != http.StatusForbidden {
		t.Fatalf("expired URL: %d", r.Status)
	}

	// Another tenant: its token, or a valid signature for its own tenant, finds nothing.
	if r := e.Do("GET", "/api/media/"+obj.MediaID, b.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant's token: %d", r.Status)
	}
	cross := signer.URL(uuid.MustParse(b.TenantID), uuid.MustParse(obj.MediaID), time.Now())
	if r := e.Do("GET", cross, "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a URL signed for another tenant: %d", r.Status)
	}
}

func TestMediaRefusals(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.MediaMaxBytes = 300 << 10
	e := testkit.Start(t, cfg)
	acct := e.SignUp()

	// A Content-Length over the limit is refused from the headers, before any of the body is read (a raw
	// connection: a client still writing the body could see the close before the answer).
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.BaseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n--b",
		acct.Token, 400<<10)
	if status, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.Contains(status, "413") {
		t.Fatalf("a declared body over AEZEN_MEDIA_MAX_BYTES: %q %v", status, err)
	}
	// Just over the limit, within the multipart slack, so that only the count of bytes catches it.
	if r := e.Upload(acct.Token, "edge.png", "", pngOf(300<<10)); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("a file a few bytes over the limit: %d %s", r.Status, r.Body)
	}
	if r := e.Upload(acct.Token, "photo.jpg", "image/jpeg", pngOf(1000)); r.Status != http.StatusUnsupportedMediaType ||
		r.ErrorCode() != "unsupported_media_type" || !strings.Contains(string(r.Body), "image/png") {
		t.Fatalf("a PNG declared as JPEG: %d %s", r.Status, r.Body)
	}
	if r := e.Upload(acct.Token, "page.html", "", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("HTML: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/media", acct.Token, map[string]string{"file": "x"}); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("a JSON body: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/media", acct.Token, "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n",
		"Content-Type: multipart/form-data; boundary=b"); r.Status != http.StatusBadRequest {
		t.Fatalf("no file field: %d %s", r.Status, r.Body)
	}
	if r := e.Upload(acct.Token, "empty.png", "", nil); r.Status != http.StatusBadRequest {
		t.Fatalf("an empty file: %d %s", r.Status, r.Body)
	}
	if r := e.Upload("", "a.png", "", pngOf(10)); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.Status)
	}
	var blobs int
	if err := e.TenantDB(acct.TenantID).QueryRow(context.Background(), `SELECT count(*) FROM media_blobs`).Scan(&blobs); err != nil || blobs != 0 {
		t.Fatalf("refused uploads left %d blobs (%v)", blobs, err)
	}

	// Other routes keep AEZEN_MAX_BODY_BYTES although bodies are streamed: a chunked body over it is refused.
	req, _ := http.NewRequest("POST", e.BaseURL+"/api/products", strings.NewReader(`{"name":"`+strings.Repeat("x", e.Cfg.MaxBodyBytes)+`"}`))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+acct.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a chunked body over the limit: %d", res.StatusCode)
	}
}

func TestMediaIdenticalBytesStoredOnce(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	data := pngOf(media.ChunkSize * 2)
	first := upload(t, e, acct.Token, "one.png", "image/png", data)
	second := upload(t, e, acct.Token, "two.png", "image/png", data)
	if first.MediaID == second.MediaID || first.SHA256 != second.SHA256 || second.FileName != "two.png" {
		t.Fatalf("uploads %+v and %+v", first, second)
	}
	var blobs, chunks int
	db := e.TenantDB(acct.TenantID)
	_ = db.QueryRow(context.Background(), `SELECT count(*) FROM media_blobs`).Scan(&blobs)
	_ = db.QueryRow(context.Background(), `SELECT count(*) FROM media_chunks`).Scan(&chunks)
	if blobs != 1 || chunks != 3 {
		t.Fatalf("%d blobs and %d chunk rows after the same bytes twice, want 1 and 3", blobs, chunks)
	}
	if r := e.Must(http.StatusOK, "GET", "/api/media/"+second.MediaID, acct.Token, nil, nil); !bytes.Equal(r.Body, data) ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "two.png") {
		t.Fatal("the second upload does not serve its bytes under its name")
	}
}
