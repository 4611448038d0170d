package httpapi

import (
	"maps"
	"slices"
	"strings"

	"github.com/aezen/engine/domain"
)

// apiSchemas are the JSON shapes of the document, named as apiOps refers to them.
func apiSchemas() js {
	s := js{
		"Error": object(props{"error": object(props{
			"code":    text(0),
			"message": text(0),
			"fields":  array(object(props{"field": text(0), "message": text(0)}, "field", "message")),
		}, "code", "message")}, "error"),
		"AnyObject":       js{"type": "object", "additionalProperties": true},
		"OpenAPIDocument": js{"type": "object", "additionalProperties": true, "description": "An OpenAPI 3 document."},
		"Health":          object(props{"status": text(0), "member": text(0)}, "status"),
		"ClusterInfo": object(props{"member": ref("Member"), "members": array(ref("Member")), "blocked": array(text(0)),
			"topologyHash": integer(0, 0), "provider": text(0)}),
		"TenantStatusRequest": input(props{"status": enum(domain.OperatorTenantStatuses.Strings()...)}, "status"),
		"TenantStatusReply":   object(props{"tenant": ref("Tenant")}, "tenant"),
		"Member":              object(props{"id": text(0), "address": text(0), "kinds": array(text(0)), "status": text(0)}),

		"RegisterRequest": input(props{"email": email(), "password": password(), "businessName": textRange(1, 200),
			"fullName": textRange(1, 200)}, "email", "password", "businessName"),
		"LoginRequest": input(props{"email": text(254), "password": described(text(72), "At most 72 bytes in UTF-8.")}, "email", "password"),
		"AuthResponse": object(props{"token": text(0), "user": ref("User"), "tenant": ref("Tenant")}, "token", "user", "tenant"),
		"Me":           object(props{"user": ref("User"), "tenant": ref("Tenant")}, "user", "tenant"),
		"Tenant": object(props{"tenantId": uuidSchema(), "name": text(0), "status": enum(tenantStatuses...),
			"createdAt": timestamp(), "updatedAt": timestamp()}, "tenantId", "name", "status", "createdAt", "updatedAt"),
		"User": object(props{"userId": uuidSchema(), "tenantId": uuidSchema(), "email": email(), "fullName": null(text(0)),
			"role": enum(roles...), "loginProvider": text(0), "providerAccountId": null(text(0)), "businessName": null(text(0)),
			"avatarUrl": null(text(0)), "createdAt": timestamp(), "updatedAt": timestamp()}, "userId", "tenantId", "email", "fullName",
			"role", "loginProvider", "providerAccountId", "businessName", "avatarUrl", "createdAt", "updatedAt"),
		"UserList": object(props{"data": array(ref("User"))}, "data"),
		"CreateUserRequest": input(props{"email": email(), "password": password(), "fullName": textRange(1, 200),
			"role": enum(roles...), "avatarUrl": url()}, "email", "password", "role"),
		"UpdateUserRequest": input(props{"fullName": textRange(1, 200), "role": enum(roles...), "avatarUrl": url(),
			"password": password()}),

		"Conversation": object(props{"chatId": uuidSchema(), "channelId": uuidSchema(), "customerId": uuidSchema(),
			"platform": enum(platforms...), "contactName": null(text(0)), "contactNumber": null(text(0)),
			"contactAvatarUrl":   described(null(text(0)), "The customer's avatarUrl."),
			"platformCustomerId": text(0), "platformChatId": null(text(0)), "userId": null(uuidSchema()),
			"lastMessage": null(text(0)), "lastMessageAt": null(timestamp()), "unreadCount": integer(0, 0),
			"assignee":     described(null(uuidSchema()), "The team member the conversation is assigned to (the same as userId), or null."),
			"snoozedUntil": described(null(timestamp()), "Set while the conversation is snoozed (PENDING until then)."),
			"labels":       array(ref("LabelRef")),
			"status":       enum(chatStatuses...), "startedAt": timestamp()}, "chatId", "channelId", "customerId", "platform",
			"contactName", "contactNumber", "contactAvatarUrl", "platformCustomerId", "platformChatId", "userId", "assignee", "lastMessage", "lastMessageAt",
			"unreadCount", "status", "snoozedUntil", "startedAt", "labels"),
		"ConversationPage":  cursorPage("Conversation"),
		"MessageCursorPage": cursorPage("Message"),
		"SendRequest": input(props{
			"content":          described(textRange(0, 65536), "The text; required unless the message is a media message, whose caption it is, or cannedReplyId is sent."),
			"cannedReplyId":    described(uuidSchema(), "Send this canned reply, its variables filled, instead of content."),
			"contentType":      described(enum(contentTypes...), "TEXT by default; IMAGE, VIDEO, AUDIO, FILE and STICKER need mediaId."),
			"metadata":         jsonObject(),
			"mediaId":          described(uuidSchema(), "A READY file of POST /api/media whose type fits contentType (image/* for IMAGE, video/* for VIDEO, audio/* for AUDIO, image/webp for STICKER, any for FILE). On WhatsApp, Ogg/Opus AUDIO goes out as a voice note, and AUDIO and STICKER take no caption (content)."),
			"replyToMessageId": described(uuidSchema(), "Quote this message of the conversation (not a note, not deleted); on WhatsApp the reply carries the quote. A 400 names the field otherwise.")}),
		"ReactRequest": input(props{"emoji": described(text(64), "One emoji; empty takes your side's reaction back.")}, "emoji"),
		"EditRequest":  input(props{"content": textRange(1, 65536)}, "content"),
		"SendResult":   object(props{"message": ref("Message")}, "message"),
		"Media": object(props{"mediaId": uuidSchema(), "mimeType": text(0), "size": integer(0, 0), "fileName": text(0),
			"sha256":    described(text(0), "Hex SHA-256 of the bytes; also the ETag of GET /api/media/{mediaId}."),
			"state":     described(enum(domain.MediaStates.Strings()...), "READY when the bytes are stored; a received file is PENDING while it downloads, FAILED if it could not be."),
			"url":       described(text(0), "Signed link to GET /api/media/{mediaId}, usable without a token until it expires (AEZEN_MEDIA_URL_TTL); absolute when AEZEN_PUBLIC_URL is set."),
			"createdAt": timestamp()}, "mediaId", "mimeType", "size", "fileName", "sha256", "state", "url", "createdAt"),
		"ReadResult":       object(props{"unreadCount": integer(0, 0)}, "unreadCount"),
		"InboundMessage":   inboundMessage(),
		"InboundResult":    object(props{"messageId": uuidSchema(), "chatId": uuidSchema(), "duplicate": boolean()}),
		"StatusCallback":   input(props{"platformMessageId": textRange(1, 200), "status": enum(receiptStatuses...)}, "platformMessageId", "status"),
		"StatusResult":     object(props{"updated": integer(0, 0)}),
		"WhatsAppStatus":   whatsappStatus(),
		"PairPhoneRequest": input(props{"phone": textRange(7, 32)}, "phone"),
		"PairPhoneResult":  object(props{"code": text(0)}, "code"),
		"WhatsAppSendRequest": input(props{"channelId": described(uuidSchema(), "One of the tenant's WhatsApp channels; absent, the default one sends."),
			"to": textRange(1, 32), "content": textRange(1, 65536)}, "to", "content"),
	}
	maps.Copy(s, channelSchemas())
	maps.Copy(s, devSchemas())
	maps.Copy(s, entitySchemas())
	maps.Copy(s, teamworkSchemas())
	return s
}

// The document's enums come from package domain, where validation and the SQL tests take them too.
var (
	roles           = domain.Roles.Strings()
	platforms       = domain.PlatformTypes.Strings()
	chatStatuses    = domain.ChatStatuses.Strings()
	contentTypes    = domain.ContentTypes.Strings()
	senderTypes     = domain.SenderTypes.Strings()
	orderStatuses   = domain.OrderStatuses.Strings()
	messageStatuses = domain.MessageStatuses.Strings()
	receiptStatuses = domain.ReceiptStatuses.Strings()
	tenantStatuses  = domain.TenantStatuses.Strings()
)

func channelSchemas() js {
	writable := props{"channelName": textRange(1, 200), "platformSpecificId": text(500), "webhookUrl": url(),
		"accessToken": text(8000), "refreshToken": text(8000), "tokenExpiresAt": timestamp(),
		"scopes": array(textRange(1, 200)), "metadata": jsonObject(), "isActive": boolean()}
	create := maps.Clone(writable)
	create["platformType"] = enum(platforms...)
	update := maps.Clone(writable)
	update["platformType"] = js{"type": "string", "description": "Cannot change; accepted only when equal to the current platform."}
	update["rotateWebhookSecret"] = boolean()
	return js{
		"Channel": object(props{"channelId": uuidSchema(), "userId": uuidSchema(), "platformType": enum(platforms...),
			"platformSpecificId": null(text(0)), "channelName": null(text(0)),
			"accessToken": null(described(text(0), "Masked: ****1234.")), "refreshToken": null(described(text(0), "Masked.")),
			"tokenExpiresAt": null(timestamp()), "scopes": null(array(text(0))), "metadata": null(jsonObject()),
			"webhookUrl": null(text(0)), "webhookSecret": null(described(text(0), "Masked, except in the answer that issues it.")),
			"previousSecretExpiresAt": described(timestamp(), "After a rotation (rotateWebhookSecret), the replaced secret still verifies signed calls until this time (AEZEN_SECRET_ROTATION_GRACE)."),
			"isActive":                boolean(), "createdAt": timestamp(), "updatedAt": timestamp()}, "channelId", "userId", "platformType",
			"platformSpecificId", "channelName", "tokenExpiresAt", "scopes", "metadata", "webhookUrl", "isActive", "createdAt", "updatedAt"),
		"ChannelCreate": input(create, "platformType"),
		"ChannelUpdate": input(update),
		"ChannelPage":   offsetPage("Channel"),
	}
}

func inboundMessage() js {
	return input(props{
		"platformMessageId": textRange(1, 200),
		"from": input(props{"platformCustomerId": textRange(1, 200), "fullName": text(200), "phone": text(50)},
			"platformCustomerId"),
		"contentType": enum(contentTypes...),
		"content":     described(textRange(0, 65536), "The text; required unless media is sent, whose caption it then is."),
		"metadata":    jsonObject(), "timestamp": timestamp(),
		"replyToExternalId": described(text(200), "The platformMessageId of the message this one quotes: a customer's message, or an outbound webhook's platformMessageId. An id the conversation does not have is ignored."),
		"media": described(input(props{
			"data":     js{"type": "string", "format": "byte", "description": "The file's bytes, base64; the whole call stays within AEZEN_MAX_BODY_BYTES. Send data or url."},
			"url":      described(textRange(0, 2000), "An http(s) URL the engine fetches the file from, within AEZEN_MEDIA_MAX_BYTES (413 above), under the webhooks' address guard (a private or reserved address is a 400 naming media.url unless AEZEN_WEBHOOK_ALLOW_PRIVATE)."),
			"mimeType": described(text(200), "The declared type; the bytes must agree (415 otherwise)."),
			"fileName": text(255)}), "A file the customer sent: stored in the tenant's media store; contentType defaults from its type."),
	}, "platformMessageId", "from")
}

func whatsappStatus() js {
	return object(props{"channelId": null(uuidSchema()), "status": text(0), "lastError": null(text(0)),
		"reconnects": integer(0, 0), "lastSeenAt": null(timestamp()), "jid": null(text(0)), "nextRetryAt": timestamp(),
		"qr": object(props{"channelId": uuidSchema(), "code": text(0)}),
		"history": described(object(props{
			"state":      described(enum("OFF", "NONE", "WAITING", "IMPORTING", "DONE"), "OFF: AEZEN_WHATSAPP_HISTORY_DAYS is 0; NONE: nothing to import yet; WAITING: paired, WhatsApp has not sent history yet; IMPORTING; DONE: WhatsApp's last chunk is stored."),
			"days":       integer(0, 0),
			"imported":   integer(0, 0),
			"duplicates": described(integer(0, 0), "Messages already stored (the same WhatsApp id): not stored again."),
			"failed":     integer(0, 0),
			"skipped":    described(integer(0, 0), "Left out: older than days, groups, kinds the inbox does not show."),
			"chunks":     integer(0, 0),
			"progress":   null(described(integer(0, 100), "WhatsApp's progress of the transfer in percent.")),
			"startedAt":  null(timestamp()), "updatedAt": null(timestamp()), "finishedAt": null(timestamp()),
		}, "state"), "The import of the history WhatsApp offers a newly paired number (docs/whatsapp.md).")}, "status")
}

// props are the properties of an object schema.
type props = map[string]js

// object is a schema of an answer: every property is present (null when empty, when nullable).
func object(p props, required ...string) js {
	o := js{"type": "object", "properties": p}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// input is a schema of a request body: unknown properties are refused.
func input(p props, required ...string) js {
	o := object(p, required...)
	o["additionalProperties"] = false
	return o
}

// answer is a schema of a record in an answer: every property is always present.
func answer(p props) js { return object(p, slices.Sorted(maps.Keys(p))...) }

func offsetPage(item string) js {
	return object(props{"data": array(ref(item)), "nextOffset": null(described(integer(0, 0),
		"The offset of the next page; null on the last page."))}, "data", "nextOffset")
}

func cursorPage(item string) js {
	return object(props{"data": array(ref(item)), "nextCursor": null(described(text(0),
		"The cursor of the next page; null on the last page."))}, "data", "nextCursor")
}

func text(max int) js {
	s := js{"type": "string"}
	if max > 0 {
		s["maxLength"] = max
	}
	return s
}

// password is at most 72 bytes in UTF-8 (bcrypt's limit), which can be fewer than 72 characters.
func password() js {
	return described(textRange(8, 72), "8 to 72 characters and at most 72 bytes in UTF-8 (bcrypt's limit).")
}

func textRange(min, max int) js { return js{"type": "string", "minLength": min, "maxLength": max} }

func enum(values ...string) js { return js{"type": "string", "enum": values} }

func boolean() js { return js{"type": "boolean"} }

func integer(min, max int) js {
	s := js{"type": "integer", "minimum": min}
	if max > 0 {
		s["maximum"] = max
	}
	return s
}

func uuidSchema() js { return js{"type": "string", "format": "uuid"} }

func timestamp() js { return js{"type": "string", "format": "date-time"} }

func email() js { return js{"type": "string", "format": "email", "maxLength": 254} }

func url() js { return js{"type": "string", "format": "uri", "maxLength": 2000} }

func jsonObject() js { return js{"type": "object", "additionalProperties": true} }

// money is an exact amount as a string: never a JSON number.
func money() js {
	return js{"type": "string", "pattern": `^[0-9]{1,8}(\.[0-9]{1,2})?$`, "example": "12.50",
		"description": "An exact amount with at most 2 decimal places, from 0 to 99999999.99, as a string."}
}

func array(items js) js { return js{"type": "array", "items": items} }

func null(s js) js {
	if _, isRef := s["$ref"]; isRef {
		return js{"allOf": []js{s}, "nullable": true}
	}
	out := maps.Clone(s)
	out["nullable"] = true
	return out
}

func described(s js, desc string) js {
	out := maps.Clone(s)
	out["description"] = desc
	return out
}

func joinQuoted(values []string) string { return `"` + strings.Join(values, `", "`) + `"` }
