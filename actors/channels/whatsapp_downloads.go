package channels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/media"
	"github.com/aezen/engine/sessions"
)

// Downloads of received WhatsApp files.
const (
	waDownloadTries    = 5
	waDownloadBase     = time.Second
	waDownloadParallel = 2
	// waMediaRetryWait is how long the session waits for the phone to upload an expired file again.
	waMediaRetryWait = time.Minute
)

// waMediaNS derives the media id of a WhatsApp attachment from its message id (see WAMediaID).
var waMediaNS = uuid.MustParse("7d1c0c52-5a0e-4c55-9b7e-2f0a51f0a3a1")

// WAMediaID is the media id of the file of WhatsApp message id: derived, so that a message WhatsApp delivers
// twice records one PENDING media row, and the session knows the id before the commit answers.
func WAMediaID(platformMessageID string) uuid.UUID {
	return uuid.NewSHA1(waMediaNS, []byte("whatsapp:"+platformMessageID))
}

// MediaSettled tells the tenant that a message's file is now READY or FAILED, so that the conversation
// publishes message_updated.
type MediaSettled struct {
	ChatID, MessageID uuid.UUID
}

// download is one received file on its way into the media store.
type download struct {
	waID         string
	chat, sender string
	chatID       uuid.UUID
	messageID    uuid.UUID
	mediaID      uuid.UUID
	file         sessions.WAMedia
	tries        int
	askedRetry   bool
	waitingPhone bool
}

// downloads is the session's queue of received files. Downloads run on goroutines, at most
// waDownloadParallel at a time, never on the session's mailbox; results come back as messages.
type downloads struct {
	byID    map[string]*download
	queue   []string
	running int
	resumed bool
}

// Messages of the download queue.
type (
	// waDownloadQueued hands a committed message's file to the queue.
	waDownloadQueued struct{ d *download }
	// waDownloadDone reports one attempt: ok, skipped (READY already), a final reason, or an error to retry.
	waDownloadDone struct {
		waID    string
		ok      bool
		skipped bool
		final   string
		err     error
	}
	// waDownloadRetry puts a file back in the queue after its backoff.
	waDownloadRetry struct{ waID string }
	// waPhoneTimeout ends the wait for the phone's answer to a retry request.
	waPhoneTimeout struct{ waID string }
)

// receiveDownloads handles the queue's messages; it answers false for any other message.
func (s *whatsappSession) receiveDownloads(ctx actor.Context, m any) bool {
	switch msg := m.(type) {
	case *waDownloadQueued:
		s.queueDownload(ctx, msg.d, false)
	case *waDownloadDone:
		s.downloadDone(ctx, msg)
	case *waDownloadRetry:
		if d := s.dl.byID[msg.waID]; d != nil {
			s.dl.queue = append(s.dl.queue, msg.waID)
			s.pumpDownloads(ctx)
		}
	case *waPhoneTimeout:
		if d := s.dl.byID[msg.waID]; d != nil && d.waitingPhone {
			s.failDownload(ctx, d, "the file expired on WhatsApp's servers and the phone did not answer the request to upload it again")
		}
	default:
		return false
	}
	return true
}

// pendingMedia is what the inbound message records for its file: a PENDING media row of a derived id.
func pendingMedia(m *sessions.WAMessage) *ops.PendingMedia {
	if m.Media == nil {
		return nil
	}
	return &ops.PendingMedia{MediaID: WAMediaID(m.ID), MimeType: m.Media.MimeType, FileName: m.Media.FileName}
}

// afterCommit queues the download of a newly committed message's file (from the goroutine that waited for
// the commit). A duplicate (a re-delivery, or the echo of our own send) queues nothing: its file is READY,
// or the engine's own, or left PENDING by a stopped node, which resumeDownloads picks up.
func afterCommit(root *actor.RootContext, self *actor.PID, m *sessions.WAMessage, res ops.InboundResult) {
	if m.Media == nil || res.Duplicate {
		return
	}
	root.Send(self, &waDownloadQueued{d: &download{waID: m.ID, chat: m.Chat, sender: m.Sender, chatID: res.ChatID,
		messageID: res.MessageID, mediaID: WAMediaID(m.ID), file: *m.Media,
		// A file of the history that expired is not asked of the customer's phone: old files are not
		// worth a request to every customer's phone.
		askedRetry: m.History}})
}

func (s *whatsappSession) queueDownload(ctx actor.Context, d *download, front bool) {
	if s.dl.byID == nil {
		s.dl.byID = map[string]*download{}
	}
	if s.dl.byID[d.waID] != nil {
		return
	}
	s.dl.byID[d.waID] = d
	if front {
		s.dl.queue = append([]string{d.waID}, s.dl.queue...)
	} else {
		s.dl.queue = append(s.dl.queue, d.waID)
	}
	s.pumpDownloads(ctx)
}

// pumpDownloads starts queued downloads while the connection is up and fewer than waDownloadParallel run.
func (s *whatsappSession) pumpDownloads(ctx actor.Context) {
	for s.dl.running < waDownloadParallel && len(s.dl.queue) > 0 && s.status == ops.WAStatusConnected && s.client != nil {
		id := s.dl.queue[0]
		s.dl.queue = s.dl.queue[1:]
		d := s.dl.byID[id]
		if d == nil {
			continue
		}
		s.dl.running++
		client, store, file, mediaID := s.client, s.store.Media, d.file, d.mediaID
		maxBytes, timeout := s.node.Deps().Config.MediaMaxBytes, 4*s.waTimeout()
		self, root := ctx.Self(), ctx.ActorSystem().Root
		go func() {
			c, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			res := fetchMedia(c, client, store, &file, mediaID, maxBytes)
			res.waID = id
			root.Send(self, res)
		}()
	}
}

// fetchMedia downloads one file into a temporary file, then streams that into the media store, completing
// the PENDING media row.
func fetchMedia(ctx context.Context, client sessions.WhatsAppClient, store media.Store, file *sessions.WAMedia,
	mediaID uuid.UUID, maxBytes int64) *waDownloadDone {
	if store == nil {
		return &waDownloadDone{err: errors.New("no media store")}
	}
	obj, err := store.Stat(ctx, mediaID)
	if err != nil {
		return &waDownloadDone{err: err}
	}
	if obj.State != media.StatePending {
		return &waDownloadDone{skipped: true}
	}
	if maxBytes > 0 && file.FileLength > uint64(maxBytes) {
		return &waDownloadDone{final: fmt.Sprintf("the file (%d bytes) is larger than the media size limit (%d bytes)", file.FileLength, maxBytes)}
	}
	tmp, err := os.CreateTemp("", "aezen-wa-download-*")
	if err != nil {
		return &waDownloadDone{err: err}
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	if err := client.DownloadMedia(ctx, file, tmp); err != nil {
		return &waDownloadDone{err: err}
	}
	if _, err := tmp.Seek(0, 0); err != nil {
		return &waDownloadDone{err: err}
	}
	if _, err := store.Complete(ctx, mediaID, tmp, maxBytes); err != nil {
		if errors.Is(err, media.ErrTooLarge) {
			return &waDownloadDone{final: "the file is larger than the media size limit"}
		}
		return &waDownloadDone{err: err}
	}
	return &waDownloadDone{ok: true}
}

func (s *whatsappSession) downloadDone(ctx actor.Context, res *waDownloadDone) {
	s.dl.running--
	defer s.pumpDownloads(ctx)
	d := s.dl.byID[res.waID]
	if d == nil {
		return
	}
	switch {
	case res.skipped:
		delete(s.dl.byID, d.waID)
	case res.ok:
		delete(s.dl.byID, d.waID)
		ctx.Send(ctx.Parent(), &MediaSettled{ChatID: d.chatID, MessageID: d.messageID})
	case res.final != "":
		s.failDownload(ctx, d, res.final)
	case errors.Is(res.err, sessions.ErrWANotConnected):
		s.dl.queue = append(s.dl.queue, d.waID) // waits for the reconnect; not the file's fault
	case errors.Is(res.err, sessions.ErrWAMediaExpired):
		s.mediaExpired(ctx, d, res.err)
	default:
		d.tries++
		if d.tries >= waDownloadTries {
			s.failDownload(ctx, d, fmt.Sprintf("the download failed %d times: %v", d.tries, res.err))
			return
		}
		delay := min(waDownloadBase<<(d.tries-1), time.Minute)
		s.log.Info("downloading a WhatsApp file failed, retrying", "whatsapp_id", d.waID, "in", delay, "err", res.err)
		self, root := ctx.Self(), ctx.ActorSystem().Root
		time.AfterFunc(delay, func() { root.Send(self, &waDownloadRetry{waID: d.waID}) })
	}
}

// mediaExpired asks the phone, once, to upload an expired file again (WhatsApp's media retry receipt);
// the file is FAILED when the phone cannot or does not answer within waMediaRetryWait.
func (s *whatsappSession) mediaExpired(ctx actor.Context, d *download, cause error) {
	if d.askedRetry || len(d.file.MediaKey) == 0 || s.client == nil {
		s.failDownload(ctx, d, "the file expired on WhatsApp's servers: "+cause.Error())
		return
	}
	d.askedRetry, d.waitingPhone = true, true
	client, waID, chat, sender, key := s.client, d.waID, d.chat, d.sender, d.file.MediaKey
	self, root, timeout := ctx.Self(), ctx.ActorSystem().Root, s.waTimeout()
	log := s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := client.RequestMediaRetry(c, chat, sender, waID, key); err != nil {
			log.Warn("asking the phone to upload an expired file again failed", "whatsapp_id", waID, "err", err)
			root.Send(self, &waPhoneTimeout{waID: waID})
		}
	}()
	time.AfterFunc(waMediaRetryWait, func() { root.Send(self, &waPhoneTimeout{waID: waID}) })
}

// mediaRetried takes the phone's answer: the file's new path (downloaded next) or why it cannot be had.
func (s *whatsappSession) mediaRetried(ctx actor.Context, e sessions.WAMediaRetry) {
	d := s.dl.byID[e.MessageID]
	if d == nil || !d.waitingPhone {
		return
	}
	d.waitingPhone = false
	if e.Err != "" {
		s.failDownload(ctx, d, "the file expired on WhatsApp's servers and "+e.Err)
		return
	}
	d.file.DirectPath, d.file.URL = e.DirectPath, ""
	s.dl.queue = append([]string{d.waID}, s.dl.queue...)
	s.pumpDownloads(ctx)
}

// failDownload records the reason on the media row (FAILED) and tells the tenant.
func (s *whatsappSession) failDownload(ctx actor.Context, d *download, reason string) {
	delete(s.dl.byID, d.waID)
	s.log.Warn("a received WhatsApp file could not be downloaded", "whatsapp_id", d.waID, "reason", reason)
	store, parent, root, timeout, log := s.store.Media, ctx.Parent(), ctx.ActorSystem().Root, s.dbTimeout(), s.log
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := store.Fail(c, d.mediaID, reason); err != nil {
			log.Warn("recording a failed download", "whatsapp_id", d.waID, "err", err)
			return
		}
		root.Send(parent, &MediaSettled{ChatID: d.chatID, MessageID: d.messageID})
	}()
}

// resumeDownloads queues, once per session start, the channel's received files still PENDING in the
// database: downloads cut short when a node stopped (WhatsApp does not deliver an acknowledged message again).
func (s *whatsappSession) resumeDownloads(ctx actor.Context) {
	if s.dl.resumed {
		return
	}
	s.dl.resumed = true
	store, channelID, timeout, log := s.store, s.channelID, s.dbTimeout(), s.log
	self, root := ctx.Self(), ctx.ActorSystem().Root
	go func() {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		list, err := store.PendingWhatsAppDownloads(c, channelID, 1000)
		if err != nil {
			log.Warn("listing received files still to download", "err", err)
			return
		}
		for _, p := range list {
			var file sessions.WAMedia
			if json.Unmarshal(p.Media, &file) != nil || p.MediaID != WAMediaID(p.PlatformMessageID) {
				continue
			}
			root.Send(self, &waDownloadQueued{d: &download{waID: p.PlatformMessageID, chat: p.Chat, sender: p.Chat,
				chatID: p.ChatID, messageID: p.MessageID, mediaID: p.MediaID, file: file}})
		}
	}()
}
