package sessions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
)

// WAPicture is a person's profile picture: WhatsApp's id of it and its bytes (a small JPEG). ID "" means the
// person has no picture, or hides it from the business.
type WAPicture struct {
	ID   string
	Data []byte
}

// waPictureMax bounds a profile picture's download (WhatsApp's are well under 1 MiB).
const waPictureMax = 4 << 20

// ProfilePicture fetches jid's profile picture unless WhatsApp's id of it is still knownID: then it answers
// nil. A person without a visible picture is a WAPicture with ID "".
func (c *waClient) ProfilePicture(ctx context.Context, jid, knownID string) (*WAPicture, error) {
	target, err := types.ParseJID(jid)
	if err != nil {
		return nil, ErrWABadRecipient
	}
	if !c.cli.IsLoggedIn() {
		return nil, ErrWANotConnected
	}
	info, err := c.cli.GetProfilePictureInfo(ctx, target, &whatsmeow.GetProfilePictureParams{ExistingID: knownID})
	switch {
	case errors.Is(err, whatsmeow.ErrProfilePictureNotSet), errors.Is(err, whatsmeow.ErrProfilePictureUnauthorized):
		return &WAPicture{}, nil
	case err != nil:
		return nil, err
	case info == nil || info.ID == knownID:
		return nil, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.URL, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.f.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading the profile picture: HTTP %d", res.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, waPictureMax+1))
	if err != nil {
		return nil, err
	}
	if len(data) > waPictureMax {
		return nil, errors.New("the profile picture is larger than 4 MiB")
	}
	return &WAPicture{ID: info.ID, Data: data}, nil
}
