package ops

import (
	"github.com/google/uuid"

	"github.com/aezen/engine/media"
)

// Media operations: files in the tenant's media store (package media). An upload crosses the cluster in
// numbered pieces of at most media.ChunkSize (begin, write..., finish), a download in ranges of at most
// that size, so no member holds a whole file in memory; the tenant's member streams them into and out of
// its store.
var (
	OpMediaUploadBegin  = Declare[MediaUploadBegin, MediaUpload]("media.uploadBegin")
	OpMediaUploadWrite  = Declare[MediaUploadPiece, None]("media.uploadWrite")
	OpMediaUploadFinish = Declare[MediaUpload, media.Object]("media.uploadFinish")
	OpMediaUploadAbort  = Declare[MediaUpload, None]("media.uploadAbort")
	OpMediaStat         = Declare[MediaRef, media.Object]("media.stat")
	OpMediaRead         = Declare[MediaReadInput, MediaPiece]("media.read")
)

// MediaUploadBegin starts an upload of a file whose type the API has already sniffed and checked.
type MediaUploadBegin struct {
	MimeType string `json:"mimeType"`
	FileName string `json:"fileName"`
}

// MediaUpload names an upload in progress (the answer of OpMediaUploadBegin, the input of finish and abort).
type MediaUpload struct {
	UploadID uuid.UUID `json:"uploadId"`
}

// MediaUploadPiece is piece Seq (0, 1, 2 ...) of an upload. Within a member Data is handed over as is
// (the sender must not reuse it before the answer); between members it travels in the JSON envelope.
type MediaUploadPiece struct {
	UploadID uuid.UUID `json:"uploadId"`
	Seq      int       `json:"seq"`
	Data     []byte    `json:"data"`
}

// MediaRef names one media object.
type MediaRef struct {
	MediaID uuid.UUID `json:"mediaId"`
}

// MediaReadInput asks for Length bytes (at most media.ChunkSize) of a media object from Offset.
type MediaReadInput struct {
	MediaID uuid.UUID `json:"mediaId"`
	Offset  int64     `json:"offset"`
	Length  int64     `json:"length"`
}

// MediaPiece answers OpMediaRead.
type MediaPiece struct {
	Data []byte `json:"data"`
}
