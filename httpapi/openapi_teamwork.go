package httpapi

import (
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// teamworkSchemas are the shapes of assignment, settings and the other teamwork routes.
func teamworkSchemas() js {
	return js{
		"AssignRequest": input(props{"userId": described(null(uuidSchema()), "The team member to assign to; null unassigns.")}, "userId"),
		"Settings": object(props{
			"agentVisibility": described(enum(domain.AgentVisibilities.Strings()...),
				"Which conversations agents see: all of them, or only their own and unassigned ones (owners and admins see all)."),
			"autoAssign": ref("AutoAssign"),
			"updatedAt":  timestamp()}, "agentVisibility", "autoAssign", "updatedAt"),
		"AutoAssign": described(object(props{
			"enabled":         boolean(),
			"maxOpenPerAgent": described(integer(1, ops.MaxOpenPerAgentLimit), "An agent holding this many open (OPEN or PENDING) conversations is skipped.")},
			"enabled", "maxOpenPerAgent"),
			"Automatic assignment: when enabled, a new conversation, or an unassigned one a customer writes in, goes to the next agent (role AGENT: owners and admins "+
				"are not picked) who has the inbox open (a WebSocket connected with a login token, on any member), in round robin, skipping agents at the cap. "+
				"With nobody to pick it stays unassigned. The assignment is like POST /assign's: assignment_changed (assignedBy null) and conversation.updated."),
		"AutoAssignRequest": input(props{"enabled": boolean(), "maxOpenPerAgent": integer(1, ops.MaxOpenPerAgentLimit)}),
		"NoteRequest": input(props{"content": textRange(1, 65536),
			"mentions": described(array(uuidSchema()), "Team members to notify (at most 20).")}, "content"),
		"NoteResult":       object(props{"message": ref("Message")}, "message"),
		"Label":            object(props{"labelId": uuidSchema(), "name": text(50), "color": hexColor(), "createdAt": timestamp(), "updatedAt": timestamp()}, "labelId", "name", "color", "createdAt", "updatedAt"),
		"LabelRef":         object(props{"labelId": uuidSchema(), "name": text(50), "color": hexColor()}, "labelId", "name", "color"),
		"LabelList":        object(props{"data": array(ref("Label"))}, "data"),
		"LabelCreate":      input(props{"name": textRange(1, 50), "color": hexColor()}, "name", "color"),
		"LabelUpdate":      input(props{"name": textRange(1, 50), "color": hexColor()}),
		"SetLabelsRequest": input(props{"labelIds": described(array(uuidSchema()), "Every label the record should have (at most 50); [] removes them all.")}, "labelIds"),
		"CannedReply": object(props{"cannedReplyId": uuidSchema(), "shortcut": text(50), "content": text(65536), "createdBy": null(uuidSchema()),
			"createdAt": timestamp(), "updatedAt": timestamp()}, "cannedReplyId", "shortcut", "content", "createdBy", "createdAt", "updatedAt"),
		"CannedReplyPage":   offsetPage("CannedReply"),
		"CannedReplyCreate": input(props{"shortcut": described(textRange(1, 50), "No spaces or slashes: the app offers it after /."), "content": textRange(1, 65536)}, "shortcut", "content"),
		"CannedReplyUpdate": input(props{"shortcut": textRange(1, 50), "content": textRange(1, 65536)}),
		"StatusRequest": input(props{"status": enum(domain.ChatStatuses.Strings()...),
			"snoozedUntil": described(timestamp(), "With status PENDING: when the conversation opens again.")}, "status"),
		"APIKey":        apiKeySchema(false),
		"APIKeyCreated": apiKeySchema(true),
		"APIKeyList":    object(props{"data": array(ref("APIKey"))}, "data"),
		"APIKeyCreate": input(props{"name": textRange(1, 200), "role": described(enum(domain.Roles.Strings()...), "At most the caller's own role."),
			"expiresAt": described(timestamp(), "Optional; in the future. Without it the key works until revoked.")}, "name", "role"),
		"SearchPage": described(cursorPage("SearchConversation"), "Conversations with hits, newest activity first."),
		"SearchConversation": object(props{"chatId": uuidSchema(), "channelId": uuidSchema(), "platform": enum(platforms...),
			"status":        enum(domain.ChatStatuses.Strings()...),
			"snoozedUntil":  described(null(timestamp()), "Set while the conversation is snoozed."),
			"assignee":      null(uuidSchema()),
			"lastMessageAt": null(timestamp()), "startedAt": timestamp(),
			"customer": ref("SearchCustomer"),
			"hitCount": described(integer(1, 0), "How many of the conversation's messages and notes match, plus 1 when its customer does."),
			"hits":     described(array(ref("SearchHit")), "The first 3 hits at most: the customer's first, then the newest messages and notes.")},
			"chatId", "channelId", "platform", "status", "snoozedUntil", "assignee", "lastMessageAt", "startedAt", "customer", "hitCount", "hits"),
		"SearchCustomer": object(props{"customerId": uuidSchema(), "fullName": null(text(0)), "email": null(text(0)), "phone": null(text(0)),
			"platformCustomerId": text(0), "avatarUrl": null(text(0))}, "customerId", "fullName", "email", "phone", "platformCustomerId", "avatarUrl"),
		"SearchHit": object(props{
			"kind":      described(enum("message", "note", "customer"), "message: a customer's, agent's or system message; note: an internal note; customer: the conversation's customer (name, email, phone, platform id)."),
			"messageId": described(uuidSchema(), "The message or note; absent for a customer hit."),
			"excerpt": described(text(0), "HTML, safe to insert as is: the matched text with every character HTML-escaped (&amp; &lt; &gt; &#34; &#39;) and each matched word "+
				"wrapped in <mark> and </mark>, the only markup it contains. A long text is cut to about 30 words from around its best match; "+
				"what looks like an HTML tag in it is left out, and ¿ ¡ « » curly quotes, ellipses and dashes show as spaces; "+
				"a customer hit is their name, email, phone (digits only) and platform id joined by \" · \"."),
			"createdAt": described(timestamp(), "When the message or note was written; for a customer, when they were first seen.")},
			"kind", "excerpt", "createdAt"),
		"SettingsRequest":     input(props{"agentVisibility": enum(domain.AgentVisibilities.Strings()...), "autoAssign": ref("AutoAssignRequest")}),
		"Webhook":             webhookSchema(false),
		"WebhookCreated":      webhookSchema(true),
		"WebhookList":         object(props{"data": array(ref("Webhook"))}, "data"),
		"WebhookCreate":       input(props{"url": textRange(1, 2000), "events": webhookEvents(), "isActive": boolean()}, "url"),
		"WebhookUpdate":       input(props{"url": textRange(1, 2000), "events": webhookEvents(), "isActive": boolean()}),
		"WebhookDelivery":     webhookDeliverySchema(),
		"WebhookDeliveryPage": offsetPage("WebhookDelivery"),
	}
}

// hexColor is a CSS hex color.
func hexColor() js {
	return js{"type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", "example": "#1f883d"}
}

func webhookEvents() js {
	return described(array(enum(ops.WebhookEvents...)), "The events to receive; empty or absent: all of them.")
}

// webhookSchema is an event webhook as listed, or (withSecret) as answered once at creation.
func webhookSchema(withSecret bool) js {
	p := props{"webhookId": uuidSchema(), "url": text(2000), "events": array(enum(ops.WebhookEvents...)), "isActive": boolean(),
		"disabledReason":      described(null(text(0)), "Why the engine turned the webhook off (it kept failing); cleared when it is turned back on."),
		"consecutiveFailures": integer(0, 0), "createdAt": timestamp(), "updatedAt": timestamp()}
	req := []string{"webhookId", "url", "events", "isActive", "disabledReason", "consecutiveFailures", "createdAt", "updatedAt"}
	if withSecret {
		p["secret"] = described(text(0), "HMAC-SHA256 key of X-Aezen-Signature (over \"<X-Aezen-Timestamp>.<body>\"). Shown only in this answer.")
		req = append(req, "secret")
	}
	return object(p, req...)
}

func webhookDeliverySchema() js {
	return object(props{"deliveryId": described(uuidSchema(), "Also the body's eventId and the X-Aezen-Event-Id header: receivers drop repeats with it."),
		"webhookId": uuidSchema(), "event": enum(ops.WebhookEvents...), "entityId": uuidSchema(),
		"state": enum("PENDING", "DELIVERED", "FAILED"), "attempts": integer(0, 0), "nextAttemptAt": null(timestamp()),
		"lastStatus": null(integer(0, 0)), "lastError": null(text(0)), "createdAt": timestamp(), "deliveredAt": null(timestamp()),
		"payload": described(null(ref("AnyObject")), "The body as sent (null until the first attempt): {eventId, event, createdAt, data}.")},
		"deliveryId", "webhookId", "event", "entityId", "state", "attempts", "nextAttemptAt", "lastStatus", "lastError", "createdAt", "deliveredAt", "payload")
}

// apiKeySchema is an API key as listed, or (withKey) as answered once at creation.
func apiKeySchema(withKey bool) js {
	p := props{"id": uuidSchema(), "name": text(200), "role": enum(domain.Roles.Strings()...),
		"prefix":    described(text(11), "The key's first characters, to recognise it."),
		"createdBy": described(uuidSchema(), "The user the key acts as (removing them revokes their keys)."),
		"createdAt": timestamp(), "expiresAt": null(timestamp()),
		"lastUsedAt": described(null(timestamp()), "Last use, recorded at most once a minute.")}
	req := []string{"id", "name", "role", "prefix", "createdBy", "createdAt", "expiresAt", "lastUsedAt"}
	if withKey {
		p["key"] = described(text(0), "The key: send it as Authorization: Bearer <key>. It is shown only in this answer.")
		req = append(req, "key")
	}
	return object(p, req...)
}
