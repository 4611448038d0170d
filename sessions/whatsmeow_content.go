package sessions

import (
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// translateMessage keeps a direct message: a customer's, or one the business sent from the phone or another
// linked device (FromMe, filed in the chat of its recipient), with its text, or a media message's caption
// and what is needed to download the media later. Groups, broadcasts, status updates, newsletters, notes to
// the business's own number and messages without content the inbox shows (reactions, protocol messages)
// are left out; they are still acknowledged. own is this device's JID.
func translateMessage(evt *events.Message, own types.JID) WhatsAppEvent {
	info := evt.Info
	if info.IsGroup || evt.Message == nil ||
		info.Chat.Server == types.BroadcastServer || info.Chat.Server == types.NewsletterServer ||
		info.Chat.Server == types.GroupServer {
		return nil
	}
	chat := customerJID(info.MessageSource)
	if info.IsFromMe && (chat.User == own.User || chat.User == info.Sender.User) {
		return nil // "message yourself"
	}
	m := &WAMessage{ID: info.ID, Chat: chat.String(), Sender: info.Sender.ToNonAD().String(),
		PushName: info.PushName, Timestamp: info.Timestamp, FromMe: info.IsFromMe}
	if lid := lidOfCustomer(info.MessageSource); chat.Server == types.DefaultUserServer && !lid.IsEmpty() {
		m.LID = lid.String()
	}
	if m.PushName == "-" || m.FromMe {
		m.PushName = "" // on our own messages it is the business's name, not the customer's
	}
	msg := evt.Message
	if u := translateUpdate(msg); u != nil && u.TargetID != "" {
		m.Update = u
		return m
	}
	if info.Edit != "" || evt.IsEdit || msg.GetReactionMessage() != nil || msg.GetProtocolMessage() != nil {
		return nil // other edits (pins, admin edits), changes naming no message, protocol messages
	}
	switch {
	case msg.GetConversation() != "":
		m.ContentType, m.Text = "TEXT", msg.GetConversation()
	case msg.GetExtendedTextMessage() != nil:
		m.ContentType, m.Text = "TEXT", msg.GetExtendedTextMessage().GetText()
	case msg.GetImageMessage() != nil:
		img := msg.GetImageMessage()
		m.ContentType, m.Text, m.Media = "IMAGE", img.GetCaption(), media(img, whatsmeow.MediaImage, "")
	case msg.GetVideoMessage() != nil:
		v := msg.GetVideoMessage()
		m.ContentType, m.Text, m.Media = "VIDEO", v.GetCaption(), media(v, whatsmeow.MediaVideo, "")
	case msg.GetAudioMessage() != nil:
		m.ContentType, m.Media = "AUDIO", media(msg.GetAudioMessage(), whatsmeow.MediaAudio, "")
	case msg.GetDocumentMessage() != nil:
		d := msg.GetDocumentMessage()
		m.ContentType, m.Text, m.Media = "FILE", d.GetCaption(), media(d, whatsmeow.MediaDocument, d.GetFileName())
		if m.Text == "" {
			m.Text = d.GetFileName()
		}
	case msg.GetStickerMessage() != nil:
		m.ContentType, m.Media = "STICKER", media(msg.GetStickerMessage(), whatsmeow.MediaImage, "")
	case msg.GetLocationMessage() != nil:
		l := msg.GetLocationMessage()
		m.ContentType = "LOCATION"
		m.Location = &WALocation{Latitude: l.GetDegreesLatitude(), Longitude: l.GetDegreesLongitude(), Name: l.GetName(), Address: l.GetAddress()}
		m.Text = strings.TrimSpace(fmt.Sprintf("%.6f,%.6f %s %s", l.GetDegreesLatitude(), l.GetDegreesLongitude(), l.GetName(), l.GetAddress()))
	case msg.GetLiveLocationMessage() != nil:
		l := msg.GetLiveLocationMessage()
		m.ContentType = "LOCATION"
		m.Location = &WALocation{Latitude: l.GetDegreesLatitude(), Longitude: l.GetDegreesLongitude()}
		m.Text = strings.TrimSpace(fmt.Sprintf("%.6f,%.6f %s", l.GetDegreesLatitude(), l.GetDegreesLongitude(), l.GetCaption()))
	case msg.GetContactMessage() != nil:
		c := msg.GetContactMessage()
		m.ContentType, m.Contacts = "TEXT", []WAContact{contactCard(c.GetDisplayName(), c.GetVcard())}
		m.Text = contactsText(m.Contacts)
	case msg.GetContactsArrayMessage() != nil:
		for _, c := range msg.GetContactsArrayMessage().GetContacts() {
			m.Contacts = append(m.Contacts, contactCard(c.GetDisplayName(), c.GetVcard()))
		}
		if len(m.Contacts) == 0 {
			return nil
		}
		m.ContentType, m.Text = "TEXT", contactsText(m.Contacts)
	default:
		return nil
	}
	m.QuotedID = quotedID(msg)
	return m
}

// translateUpdate is the change msg makes to an earlier message: a reaction, an edit or a revoke; nil for
// any other message.
func translateUpdate(msg *waE2E.Message) *WAUpdate {
	if r := msg.GetReactionMessage(); r != nil {
		return &WAUpdate{Kind: WAReaction, TargetID: r.GetKey().GetID(), Emoji: r.GetText()}
	}
	pm := msg.GetProtocolMessage()
	if pm == nil {
		return nil
	}
	switch pm.GetType() { // REVOKE is the zero value: only a protocol message has it
	case waE2E.ProtocolMessage_REVOKE:
		return &WAUpdate{Kind: WARevoke, TargetID: pm.GetKey().GetID()}
	case waE2E.ProtocolMessage_MESSAGE_EDIT:
		e := pm.GetEditedMessage()
		text := e.GetConversation()
		switch {
		case e.GetExtendedTextMessage() != nil:
			text = e.GetExtendedTextMessage().GetText()
		case e.GetImageMessage() != nil:
			text = e.GetImageMessage().GetCaption()
		case e.GetVideoMessage() != nil:
			text = e.GetVideoMessage().GetCaption()
		case e.GetDocumentMessage() != nil:
			text = e.GetDocumentMessage().GetCaption()
		}
		return &WAUpdate{Kind: WAEdit, TargetID: pm.GetKey().GetID(), Text: text}
	}
	return nil
}

// quotedID is the WhatsApp id of the message msg replies to (its ContextInfo's StanzaID), or "".
func quotedID(msg *waE2E.Message) string {
	var ci *waE2E.ContextInfo
	switch {
	case msg.GetExtendedTextMessage() != nil:
		ci = msg.GetExtendedTextMessage().GetContextInfo()
	case msg.GetImageMessage() != nil:
		ci = msg.GetImageMessage().GetContextInfo()
	case msg.GetVideoMessage() != nil:
		ci = msg.GetVideoMessage().GetContextInfo()
	case msg.GetAudioMessage() != nil:
		ci = msg.GetAudioMessage().GetContextInfo()
	case msg.GetDocumentMessage() != nil:
		ci = msg.GetDocumentMessage().GetContextInfo()
	case msg.GetStickerMessage() != nil:
		ci = msg.GetStickerMessage().GetContextInfo()
	case msg.GetLocationMessage() != nil:
		ci = msg.GetLocationMessage().GetContextInfo()
	case msg.GetContactMessage() != nil:
		ci = msg.GetContactMessage().GetContextInfo()
	}
	return ci.GetStanzaID()
}

// downloadable is what every WhatsApp media message offers.
type downloadable interface {
	GetMimetype() string
	GetFileLength() uint64
	GetURL() string
	GetDirectPath() string
	GetMediaKey() []byte
	GetFileSHA256() []byte
	GetFileEncSHA256() []byte
}

func media(d downloadable, kind whatsmeow.MediaType, fileName string) *WAMedia {
	return &WAMedia{MimeType: d.GetMimetype(), FileName: fileName, FileLength: d.GetFileLength(), URL: d.GetURL(),
		DirectPath: d.GetDirectPath(), MediaKey: d.GetMediaKey(), FileSHA256: d.GetFileSHA256(),
		FileEncSHA256: d.GetFileEncSHA256(), MediaType: string(kind)}
}

// customerJID is the address the engine files a customer under: their phone-number JID when WhatsApp
// tells us one (a chat may be addressed by a LID, with the phone number as the alternative), else the chat.
// The alternative is the sender's on a customer's message and the recipient's on our own (whose sender's
// alternative is the business's own number).
func customerJID(src types.MessageSource) types.JID {
	alt := src.SenderAlt
	if src.IsFromMe {
		alt = src.RecipientAlt
	}
	for _, j := range []types.JID{src.Chat, alt} {
		if j.Server == types.DefaultUserServer && j.User != "" {
			return j.ToNonAD()
		}
	}
	return src.Chat.ToNonAD()
}

// lidOfCustomer is the customer's LID when the message names one (as its chat or as the alternative).
func lidOfCustomer(src types.MessageSource) types.JID {
	alt := src.SenderAlt
	if src.IsFromMe {
		alt = src.RecipientAlt
	}
	for _, j := range []types.JID{src.Chat, alt} {
		if j.Server == types.HiddenUserServer && j.User != "" {
			return j.ToNonAD()
		}
	}
	return types.EmptyJID
}

func textMessage(text string) *waE2E.Message {
	return &waE2E.Message{Conversation: proto.String(text)}
}

// contactCard reads a shared contact: its display name (or the vCard's FN) and the numbers of its TEL lines.
func contactCard(name, vcard string) WAContact {
	c := WAContact{Name: name, Phones: []string{}}
	for _, line := range strings.Split(strings.ReplaceAll(vcard, "\r\n", "\n"), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToUpper(key)
		switch {
		case strings.HasPrefix(key, "TEL"):
			// Either "TEL;type=CELL;waid=15551234567:+1 555-123-4567" or "item1.TEL;waid=…:+1 555…".
			if v := strings.TrimSpace(value); v != "" {
				c.Phones = append(c.Phones, v)
			}
		case strings.Contains(key, ".TEL"):
			if v := strings.TrimSpace(value); v != "" {
				c.Phones = append(c.Phones, v)
			}
		case key == "FN" && c.Name == "":
			c.Name = strings.TrimSpace(value)
		}
	}
	return c
}

// contactsText says a contact card in words: "Contact: Ada Lovelace +1 555-123-4567".
func contactsText(cards []WAContact) string {
	parts := make([]string, len(cards))
	for i, c := range cards {
		parts[i] = strings.TrimSpace(c.Name + " " + strings.Join(c.Phones, ", "))
	}
	return "Contact: " + strings.Join(parts, "; ")
}
