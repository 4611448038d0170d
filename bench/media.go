package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// MediaResult is the media phase (issue 15 in issue 17's bench): files of FileBytes uploaded with POST
// /api/media (multipart, streamed from a generator: the client never holds a file) and downloaded with GET
// /api/media/:id, one at a time, over loopback, while the process's memory is sampled.
type MediaResult struct {
	FileBytes    int64   `json:"fileBytes"`
	Uploads      int     `json:"uploads"`
	Downloads    int     `json:"downloads"`
	UploadMBps   float64 `json:"uploadMiBPerSecond"`
	DownloadMBps float64 `json:"downloadMiBPerSecond"`
	UploadMs     Latency `json:"uploadMs"`
	DownloadMs   Latency `json:"downloadMs"`
	Errors       int64   `json:"errors"`
	// Memory of the bench process while one more file goes up and down, against its values after a
	// collection before:
	// the live heap, read right after a collection forced every 20 ms (the engine runs with GOGC=400, so
	// without it the heap's peak is the collector's pacing of garbage, not what a transfer holds), VmRSS
	// sampled every 10 ms, and the bytes allocated per MiB moved (up and down).
	HeapBeforeMB float64 `json:"heapBeforeMiB"`
	HeapPeakMB   float64 `json:"liveHeapPeakMiB"`
	AllocPerMiB  float64 `json:"allocatedBytesPerMiB"`
	RSSBeforeMB  float64 `json:"rssBeforeMiB"`
	RSSPeakMB    float64 `json:"rssPeakMiB"`
	CPU          *CPUUse `json:"cpu,omitempty"`
}

// mediaFileBytes is AEZEN_MEDIA_MAX_BYTES's default: the largest file the engine takes.
const mediaFileBytes = 16 << 20

// mediaPhase signs up one tenant on a fresh node and moves files through the media API.
func (e *env) mediaPhase(ctx context.Context, files int, res *Results) error {
	list, err := e.provision(ctx, 1, true, false)
	if err != nil {
		return err
	}
	if err := e.startEngine(ctx, e.cfg.DBMaxConns); err != nil {
		return err
	}
	defer e.stopEngine()
	if err := e.prepareTenants(ctx, list); err != nil {
		return fmt.Errorf("logging in: %w", err)
	}
	m := &MediaResult{FileBytes: mediaFileBytes}
	res.Media = m
	client := &http.Client{Timeout: time.Minute}
	token := list[0].token
	cpu := newCPUMeter(ctx, e)

	say("media: %d uploads then %d downloads of %d MiB through POST/GET /api/media", files, files, mediaFileBytes>>20)
	var up, down Samples
	ids := make([]string, 0, files)
	sums := make(map[string]string, files)
	r0 := cpu.read()
	alloc0 := allocBytes()
	start := time.Now()
	for i := range files {
		t0 := time.Now()
		id, sum, err := uploadFile(ctx, client, e.baseURL, token, uint64(i)+1)
		if err != nil {
			m.Errors++
			say("media upload: %v", err)
			continue
		}
		up.Shard().Add(time.Since(t0))
		ids = append(ids, id)
		sums[id] = sum
	}
	upSeconds := time.Since(start).Seconds()
	start = time.Now()
	for _, id := range ids {
		t0 := time.Now()
		if err := downloadFile(ctx, client, e.baseURL, token, id, sums[id]); err != nil {
			m.Errors++
			say("media download: %v", err)
			continue
		}
		down.Shard().Add(time.Since(t0))
	}
	downSeconds := time.Since(start).Seconds()
	m.CPU = cpu.since(r0)
	if moved := float64(m.uploadsAndDownloads(len(ids), files)) * mediaFileBytes / (1 << 20); moved > 0 {
		m.AllocPerMiB = float64(allocBytes()-alloc0) / moved
	}
	m.UploadMs, m.DownloadMs = up.Summary(), down.Summary()
	m.Uploads, m.Downloads = int(m.UploadMs.Count), int(m.DownloadMs.Count)
	if upSeconds > 0 {
		m.UploadMBps = float64(m.Uploads) * mediaFileBytes / (1 << 20) / upSeconds
	}
	if downSeconds > 0 {
		m.DownloadMBps = float64(m.Downloads) * mediaFileBytes / (1 << 20) / downSeconds
	}

	// Then one more file up and down while the memory is sampled (the forced collections would slow the
	// throughput figures above).
	before := readMem()
	m.HeapBeforeMB, m.RSSBeforeMB = float64(heapBytes())/(1<<20), float64(before.rss)/(1<<20)
	stop := make(chan struct{})
	var peakHeap, peakRSS atomic.Uint64
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			storeMax(&peakRSS, vmRSS())
			if i%2 == 0 {
				runtime.GC()
				storeMax(&peakHeap, heapBytes())
			}
		}
	}()

	id, sum, err := uploadFile(ctx, client, e.baseURL, token, uint64(files)+1)
	if err == nil {
		err = downloadFile(ctx, client, e.baseURL, token, id, sum)
	}
	close(stop)
	sampler.Wait()
	if err != nil {
		m.Errors++
		say("media memory pass: %v", err)
	}
	m.HeapPeakMB, m.RSSPeakMB = float64(peakHeap.Load())/(1<<20), float64(peakRSS.Load())/(1<<20)
	return nil
}

func storeMax(v *atomic.Uint64, x uint64) {
	for {
		cur := v.Load()
		if x <= cur || v.CompareAndSwap(cur, x) {
			return
		}
	}
}

// uploadsAndDownloads is the number of files moved either way (those that failed included: they allocated too).
func (m *MediaResult) uploadsAndDownloads(downloads, uploads int) int { return downloads + uploads }

// allocBytes is the bytes allocated on the heap since the process started.
func allocBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapBytes is the heap's objects, live or not yet collected.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// fileReader yields n bytes of a PNG: a real header, then bytes from a generator seeded with seed (each
// file differs, so that none is stored once for two).
func fileReader(n int64, seed uint64) io.Reader {
	head := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	return io.MultiReader(bytes.NewReader(head), io.LimitReader(rand.NewChaCha8(seedOf(seed)), n-int64(len(head))))
}

func seedOf(seed uint64) (s [32]byte) {
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return s
}

// uploadFile posts one file as a streamed multipart body with its length declared; it returns the media id
// and the SHA-256 the engine computed.
func uploadFile(ctx context.Context, client *http.Client, base, token string, seed uint64) (string, string, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="bench.png"`)
	h.Set("Content-Type", "image/png")
	if _, err := mw.CreatePart(h); err != nil {
		return "", "", err
	}
	prefix := append([]byte(nil), head.Bytes()...)
	head.Reset()
	if err := mw.Close(); err != nil {
		return "", "", err
	}
	suffix := head.Bytes()
	body := io.MultiReader(bytes.NewReader(prefix), fileReader(mediaFileBytes, seed), bytes.NewReader(suffix))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/media", body)
	if err != nil {
		return "", "", err
	}
	req.ContentLength = int64(len(prefix)) + mediaFileBytes + int64(len(suffix))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		return "", "", fmt.Errorf("status %d: %.200s", resp.StatusCode, raw)
	}
	var obj struct {
		MediaID string `json:"mediaId"`
		Size    int64  `json:"size"`
		SHA256  string `json:"sha256"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", "", err
	}
	if obj.Size != mediaFileBytes {
		return "", "", fmt.Errorf("stored %d bytes of %d", obj.Size, mediaFileBytes)
	}
	return obj.MediaID, obj.SHA256, nil
}

// downloadFile reads a file back, streaming it through SHA-256, and checks it against the upload's.
func downloadFile(ctx context.Context, client *http.Client, base, token, id, sum string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/media/"+id, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	hash := sha256.New()
	n, err := io.Copy(hash, resp.Body)
	if err != nil {
		return err
	}
	if n != mediaFileBytes || hex.EncodeToString(hash.Sum(nil)) != sum {
		return fmt.Errorf("downloaded %d bytes, or not the uploaded ones", n)
	}
	return nil
}
