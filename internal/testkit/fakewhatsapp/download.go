package fakewhatsapp

import (
	"context"
	"fmt"
	"os"

	"github.com/aezen/engine/sessions"
)

// DownloadMedia writes the file the test stored under the attachment's direct path (SetMediaFile) into
// dst; an expired path (ExpireMedia) fails with sessions.ErrWAMediaExpired, an unknown one too, and the
// next error queued by FailNextDownloads comes first.
func (c *Client) DownloadMedia(_ context.Context, m *sessions.WAMedia, dst *os.File) error {
	f := c.f
	f.mu.Lock()
	f.downloads = append(f.downloads, m.DirectPath)
	var err error
	switch {
	case !c.connected:
		err = sessions.ErrWANotConnected
	case len(f.dlErrs) > 0:
		err, f.dlErrs = f.dlErrs[0], f.dlErrs[1:]
	case f.expired[m.DirectPath] || f.files[m.DirectPath] == nil:
		err = fmt.Errorf("%w (fake: 410 for %s)", sessions.ErrWAMediaExpired, m.DirectPath)
	}
	data := f.files[m.DirectPath]
	f.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = dst.Write(data)
	return err
}

// RequestMediaRetry records the request; when the test scripted an answer (AnswerMediaRetry), the phone's
// answer arrives as a WAMediaRetry event, on a goroutine of its own as whatsmeow's would.
func (c *Client) RequestMediaRetry(_ context.Context, _, _, id string, _ []byte) error {
	f := c.f
	f.mu.Lock()
	f.retryAsks = append(f.retryAsks, id)
	path, scripted := f.retryPaths[id]
	connected := c.connected
	f.mu.Unlock()
	if !connected {
		return sessions.ErrWANotConnected
	}
	if scripted {
		ev := sessions.WAMediaRetry{MessageID: id, DirectPath: path}
		if path == "" {
			ev.Err = "the phone no longer has the file"
		}
		go c.emit(ev)
	}
	return nil
}

// SetMediaFile stores the bytes WhatsApp's media servers serve for a direct path.
func (f *WhatsApp) SetMediaFile(directPath string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files == nil {
		f.files, f.expired = map[string][]byte{}, map[string]bool{}
	}
	f.files[directPath] = data
}

// ExpireMedia makes a direct path answer 410, as WhatsApp does for files older than its retention.
func (f *WhatsApp) ExpireMedia(directPath string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.expired == nil {
		f.files, f.expired = map[string][]byte{}, map[string]bool{}
	}
	f.expired[directPath] = true
}

// AnswerMediaRetry scripts the phone's answer to a retry request for message id: the file uploaded again
// under newPath, or "" for a phone that no longer has it.
func (f *WhatsApp) AnswerMediaRetry(id, newPath string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.retryPaths == nil {
		f.retryPaths = map[string]string{}
	}
	f.retryPaths[id] = newPath
}

// FailNextDownloads makes the next downloads fail with these errors, in order.
func (f *WhatsApp) FailNextDownloads(errs ...error) {
	f.mu.Lock()
	f.dlErrs = append(f.dlErrs, errs...)
	f.mu.Unlock()
}

// Downloads returns the direct paths of every download attempt so far.
func (f *WhatsApp) Downloads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.downloads...)
}

// MediaRetryRequests returns the message ids a retry of their attachment was asked for.
func (f *WhatsApp) MediaRetryRequests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.retryAsks...)
}
