package fakewhatsapp

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/sessions"
)

// History plays WhatsApp sending a chunk of history to the channel's device, as whatsmeow hands it over
// once translated, and reports whether the engine said the chunk was stored (the client waits for that
// before the next chunk). Its messages are marked History, as the real client marks them.
func (f *WhatsApp) History(channelID uuid.UUID, h sessions.WAHistory) (stored bool, err error) {
	c, err := f.client(channelID)
	if err != nil {
		return false, err
	}
	chunk := h
	chunk.Messages = make([]*sessions.WAMessage, len(h.Messages))
	for i, m := range h.Messages {
		msg := *m
		msg.History = true
		chunk.Messages[i] = &msg
	}
	done := make(chan bool, 1)
	chunk.OnDone(func(ok bool) {
		select {
		case done <- ok:
		default:
		}
	})
	if !c.emit(&chunk) {
		return false, errors.New("fake whatsapp: client closed")
	}
	select {
	case ok := <-done:
		return ok, nil
	case <-time.After(f.ackTimeout):
		return false, nil
	}
}
