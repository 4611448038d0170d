package fakewhatsapp

import (
	"context"

	"github.com/aezen/engine/sessions"
)

// SetProfilePicture scripts jid's profile picture: WhatsApp's id of it and its bytes (id "" removes it).
func (f *WhatsApp) SetProfilePicture(jid, id string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pictures == nil {
		f.pictures = map[string]sessions.WAPicture{}
	}
	f.pictures[jid] = sessions.WAPicture{ID: id, Data: append([]byte(nil), data...)}
}

// PictureFetches counts the profile picture lookups of jid so far.
func (f *WhatsApp) PictureFetches(jid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pictureFetches[jid]
}

// ProfilePicture answers from the scripted pictures, as GetProfilePictureInfo does: nil when knownID is
// still the picture's id.
func (c *Client) ProfilePicture(_ context.Context, jid, knownID string) (*sessions.WAPicture, error) {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if !c.connected {
		return nil, sessions.ErrWANotConnected
	}
	if f.pictureFetches == nil {
		f.pictureFetches = map[string]int{}
	}
	f.pictureFetches[jid]++
	p := f.pictures[jid]
	if p.ID != "" && p.ID == knownID {
		return nil, nil
	}
	return &sessions.WAPicture{ID: p.ID, Data: append([]byte(nil), p.Data...)}, nil
}

// SubscribePresence records the subscription.
func (c *Client) SubscribePresence(_ context.Context, jid string) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if !c.connected {
		return sessions.ErrWANotConnected
	}
	if c.f.subscribed == nil {
		c.f.subscribed = map[string]int{}
	}
	c.f.subscribed[jid]++
	return nil
}

// Subscriptions counts the presence subscriptions of jid so far.
func (f *WhatsApp) Subscriptions(jid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.subscribed[jid]
}
