package httpapi

import "net/http"

// apiOps documents every route of the server, one entry per method and path (OpenAPI form, {param} for
// path parameters). To document a new route, add an entry here (and its schemas to openapi_schemas.go);
// TestOpenAPIDocumentsEveryRoute prints the entry to start from.
var apiOps = []apiOp{
	// Health and metrics.
	{method: "GET", path: "/healthz", tag: "operations", summary: "Liveness: the process answers", auth: authPublic, reply: "Health"},
	{method: "GET", path: "/readyz", tag: "operations", summary: "Readiness: the master database answers", auth: authPublic, reply: "Health", errors: []int{http.StatusServiceUnavailable}},
	{method: "GET", path: "/metrics", tag: "operations", summary: "Prometheus metrics", auth: authPublic, reply: replyText},
	{method: "GET", path: "/api/openapi.json", tag: "operations", summary: "This document", auth: authPublic, reply: "OpenAPIDocument"},

	// Operators.
	{method: "GET", path: "/api/ops/cluster", tag: "operations", summary: "The cluster's members as this member sees them", auth: authOps, reply: "ClusterInfo"},
	{method: "GET", path: "/api/ops/actors", tag: "operations", summary: "The tenant actors living on this member", auth: authOps, reply: "AnyObject"},
	{method: "GET", path: "/api/ops/tenants/{tenantId}", tag: "operations", summary: "Where a tenant lives and its actor tree (activates it)", auth: authOps, reply: "AnyObject"},
	{method: "PUT", path: "/api/ops/tenants/{tenantId}/status", tag: "operations", summary: "Suspend (SUSPENDED) or re-admit (ACTIVE) a tenant on every member", auth: authOps, body: "TenantStatusRequest", reply: "TenantStatusReply", errors: []int{http.StatusNotFound}},

	// Accounts and team.
	{method: "POST", path: "/api/auth/register", tag: "auth", summary: "Sign up: create a tenant and its owner", auth: authPublic, body: "RegisterRequest", status: http.StatusCreated, reply: "AuthResponse", errors: []int{http.StatusConflict, http.StatusTooManyRequests, http.StatusServiceUnavailable}},
	{method: "POST", path: "/api/auth/login", tag: "auth", summary: "Log in", auth: authPublic, body: "LoginRequest", reply: "AuthResponse", errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable}},
	{method: "GET", path: "/api/api-keys", tag: "auth", summary: "The team's API keys (owners and admins; never the keys themselves)", reply: "APIKeyList", errors: []int{http.StatusForbidden}},
	{method: "POST", path: "/api/api-keys", tag: "auth", summary: "Create an API key (owners and admins, a role no higher than the caller's): the key is shown once", body: "APIKeyCreate", status: http.StatusCreated, reply: "APIKeyCreated", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "DELETE", path: "/api/api-keys/{keyId}", tag: "auth", summary: "Revoke an API key: refused at once on this member, within 2 s on every other", status: http.StatusNoContent, errors: []int{http.StatusForbidden}},
	{method: "GET", path: "/api/auth/me", tag: "auth", summary: "The caller and their tenant", reply: "Me"},
	{method: "GET", path: "/api/users", tag: "users", summary: "List the team", reply: "UserList"},
	{method: "POST", path: "/api/users", tag: "users", summary: "Add a team member (owners and admins)", body: "CreateUserRequest", status: http.StatusCreated, reply: "User", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "GET", path: "/api/users/{userId}", tag: "users", summary: "One team member", reply: "User"},
	{method: "PUT", path: "/api/users/{userId}", tag: "users", summary: "Change a team member", body: "UpdateUserRequest", reply: "User", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "DELETE", path: "/api/users/{userId}", tag: "users", summary: "Remove a team member", status: http.StatusNoContent, errors: []int{http.StatusForbidden, http.StatusConflict}},

	// Channels.
	{method: "GET", path: "/api/channels", tag: "channels", summary: "List channels", reply: "ChannelPage", params: withPaging(
		query("platformType", "Only channels of this platform.", enum(platforms...)),
		query("isActive", "Only active (true) or inactive (false) channels.", boolean()))},
	{method: "POST", path: "/api/channels", tag: "channels", summary: "Connect a channel (owners and admins)", notes: "An API channel needs webhookUrl; its webhookSecret is shown in full in this answer only.", body: "ChannelCreate", status: http.StatusCreated, reply: "Channel", errors: []int{http.StatusForbidden}},
	{method: "GET", path: "/api/channels/{channelId}", tag: "channels", summary: "One channel (secrets masked)", reply: "Channel"},
	{method: "PUT", path: "/api/channels/{channelId}", tag: "channels", summary: "Change a channel (owners and admins)", notes: "Absent fields stay as they are; rotateWebhookSecret issues a new secret, shown once.", body: "ChannelUpdate", reply: "Channel", errors: []int{http.StatusForbidden}},
	{method: "DELETE", path: "/api/channels/{channelId}", tag: "channels", summary: "Delete a channel that no customer, order or chat uses (owners and admins)", status: http.StatusNoContent, errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "POST", path: "/api/channels/{channelId}/inbound", tag: "channels", summary: "An API channel's integration delivers a customer's message", notes: "Re-delivery of the same platformMessageId stores nothing new (duplicate: true).", auth: authSigned, body: "InboundMessage", status: http.StatusAccepted, reply: "InboundResult", params: []param{signedAt}},
	{method: "POST", path: "/api/channels/{channelId}/status", tag: "channels", summary: "An API channel's integration reports a delivery or read receipt", auth: authSigned, body: "StatusCallback", status: http.StatusAccepted, reply: "StatusResult", params: []param{signedAt}},

	// Inbox.
	{method: "GET", path: "/api/conversations", tag: "inbox", summary: "The inbox: chats by latest activity", reply: "ConversationPage", params: []param{
		query("limit", "Page size, 1 to 200 (default 50).", integer(1, 200)),
		query("cursor", "nextCursor of the previous page.", text(0)),
		query("status", "Only chats in this status.", enum(chatStatuses...)),
		query("search", "Contact name or number, or last message, containing this text.", text(0)),
		query("assignee", "me (the caller's), none (unassigned) or a user id.", text(0)),
		query("label", "Only conversations with this label (its id or its name).", text(0))}},
	{method: "GET", path: "/api/conversations/{chatId}", tag: "inbox", summary: "One conversation", reply: "Conversation"},
	{method: "GET", path: "/api/conversations/{chatId}/messages", tag: "inbox", summary: "A conversation's messages, newest page first", reply: "MessageCursorPage", params: []param{
		query("limit", "Page size, 1 to 200 (default 50).", integer(1, 200)),
		query("before", "nextCursor of the previous (newer) page.", text(0))}},
	{method: "POST", path: "/api/conversations/{chatId}/send", tag: "inbox", summary: "Send a message to the customer", notes: "Stored PENDING before it is sent; message_status events follow it. " +
		"With cannedReplyId instead of content, the canned reply is sent with its variables filled from the conversation's customer and the sender.", body: "SendRequest", status: http.StatusAccepted, reply: "SendResult", params: []param{idempotencyKey}, errors: []int{http.StatusUnprocessableEntity}},
	{method: "POST", path: "/api/conversations/{chatId}/read", tag: "inbox", summary: "Mark the customer's messages read", reply: "ReadResult"},
	{method: "POST", path: "/api/conversations/{chatId}/assign", tag: "inbox", summary: "Assign the conversation to a team member, or to nobody (userId null)",
		notes: "Owners and admins assign anyone on the team. An agent may take an unassigned conversation for themselves and hand back their own; anything else is 403. " +
			"Publishes assignment_changed and conversation_updated.", body: "AssignRequest", reply: "Conversation", errors: []int{http.StatusForbidden}},
	{method: "POST", path: "/api/conversations/{chatId}/notes", tag: "inbox", summary: "Add an internal note to the conversation's thread",
		notes: "Stored as a message with senderType NOTE (status RECEIVED, read): never sent to the customer or a webhook, never unread, not the conversation's lastMessage. " +
			"Those who may see the conversation hear note_added; each mentioned user (on the team and able to see the conversation, else 400) hears mention.",
		body: "NoteRequest", status: http.StatusCreated, reply: "NoteResult"},
	{method: "POST", path: "/api/conversations/{chatId}/status", tag: "inbox", summary: "Open, resolve, close or snooze the conversation",
		notes: "PENDING with snoozedUntil (in the future) snoozes it: it shows OPEN again once that time has passed, or at once when the customer writes. " +
			"A customer's message also reopens a RESOLVED conversation. Publishes conversation_updated, and again when a snooze ends (status OPEN).", body: "StatusRequest", reply: "Conversation"},
	{method: "PUT", path: "/api/conversations/{chatId}/labels", tag: "inbox", summary: "Replace the conversation's labels",
		notes: "Publishes conversation_updated.", body: "SetLabelsRequest", reply: "Conversation"},
	{method: "GET", path: "/api/search", tag: "inbox", summary: "Full-text search over messages, notes and customers, grouped by conversation",
		notes: "Every word of q must match (in any order, any case, accents ignored: \"informacao\" finds \"informação\"); a word of two or more characters also matches " +
			"as the start of a longer one (\"infor\" finds \"informação\"). Words are runs of letters and digits, anything else separates them; nothing in q is query syntax. " +
			"A query of digits and phone punctuation only (\"+55 11 99999-8888\") also matches the digits written together, as customers' phones are indexed by their digits. " +
			"Messages and internal notes match by their text (a media message by its caption), customers by name, email, phone and platform id; a customer's match shows in each of their conversations. " +
			"Conversations come newest activity first, like the inbox, each with hitCount and its first 3 hits (the customer's first, then the newest messages and notes). " +
			"Only conversations the caller may see are searched (an agent under ASSIGNED_AND_UNASSIGNED finds nothing in a colleague's conversations). " +
			"Excerpts are HTML: see SearchHit.excerpt.",
		reply: "SearchPage", params: []param{
			{name: "q", in: "query", required: true, desc: "The words to find: 1 to 200 characters, at most 10 words (400 otherwise, in the error envelope).", schema: textRange(1, 200)},
			query("limit", "Conversations per page, 1 to 50 (default 20).", integer(1, 50)),
			query("cursor", "nextCursor of the previous page.", text(0))}},
	{method: "GET", path: "/api/webhooks", tag: "integrations", summary: "The team's event webhooks (owners and admins)", reply: "WebhookList", errors: []int{http.StatusForbidden}},
	{method: "POST", path: "/api/webhooks", tag: "integrations", summary: "Add an event webhook: the signing secret is shown once",
		notes: "The URL must be http(s) and, unless AEZEN_WEBHOOK_ALLOW_PRIVATE, not in a private, loopback or reserved block (the API channels' SSRF guard). " +
			"events filters what it receives (empty: every event).", body: "WebhookCreate", status: http.StatusCreated, reply: "WebhookCreated", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "GET", path: "/api/webhooks/{webhookId}", tag: "integrations", summary: "One event webhook", reply: "Webhook", errors: []int{http.StatusForbidden}},
	{method: "PUT", path: "/api/webhooks/{webhookId}", tag: "integrations", summary: "Change an event webhook; isActive true turns a disabled one back on and clears disabledReason",
		body: "WebhookUpdate", reply: "Webhook", errors: []int{http.StatusForbidden}},
	{method: "DELETE", path: "/api/webhooks/{webhookId}", tag: "integrations", summary: "Remove an event webhook and its delivery log", status: http.StatusNoContent, errors: []int{http.StatusForbidden}},
	{method: "GET", path: "/api/webhooks/{webhookId}/deliveries", tag: "integrations", summary: "The webhook's delivery log, newest first", reply: "WebhookDeliveryPage",
		params: withPaging(), errors: []int{http.StatusForbidden}},
	{method: "POST", path: "/api/webhooks/{webhookId}/deliveries/{deliveryId}/retry", tag: "integrations", summary: "Send a delivery again (with the same eventId and body)",
		notes: "It goes before the later events of its conversation (or customer, order, channel).", status: http.StatusAccepted, reply: "WebhookDelivery", errors: []int{http.StatusForbidden}},
	{method: "GET", path: "/api/labels", tag: "team", summary: "The team's labels, by name", reply: "LabelList"},
	{method: "POST", path: "/api/labels", tag: "team", summary: "Create a label (owners and admins)", body: "LabelCreate", status: http.StatusCreated, reply: "Label", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "GET", path: "/api/labels/{labelId}", tag: "team", summary: "One label", reply: "Label"},
	{method: "PUT", path: "/api/labels/{labelId}", tag: "team", summary: "Rename or recolor a label (owners and admins)", body: "LabelUpdate", reply: "Label", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "DELETE", path: "/api/labels/{labelId}", tag: "team", summary: "Delete a label: it leaves every conversation and customer (owners and admins)", status: http.StatusNoContent, errors: []int{http.StatusForbidden}},
	{method: "PUT", path: "/api/customers/{customerId}/labels", tag: "customers", summary: "Replace the customer's labels", body: "SetLabelsRequest", reply: "CustomerView"},
	{method: "GET", path: "/api/canned-replies", tag: "team", summary: "Canned replies, by shortcut", reply: "CannedReplyPage", params: withPaging(
		query("search", "Shortcut or text contains this (any case).", text(0)))},
	{method: "POST", path: "/api/canned-replies", tag: "team", summary: "Create a canned reply (owners and admins)",
		notes: "content may use {{customer.name}}, {{customer.firstName}}, {{customer.email}}, {{customer.phone}}, {{agent.name}}, {{agent.email}}; others are a 400.",
		body:  "CannedReplyCreate", status: http.StatusCreated, reply: "CannedReply", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "GET", path: "/api/canned-replies/{cannedReplyId}", tag: "team", summary: "One canned reply", reply: "CannedReply"},
	{method: "PUT", path: "/api/canned-replies/{cannedReplyId}", tag: "team", summary: "Change a canned reply (owners and admins)", body: "CannedReplyUpdate", reply: "CannedReply", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "DELETE", path: "/api/canned-replies/{cannedReplyId}", tag: "team", summary: "Delete a canned reply (owners and admins)", status: http.StatusNoContent, errors: []int{http.StatusForbidden}},
	{method: "GET", path: "/api/settings", tag: "team", summary: "The team's settings", reply: "Settings"},
	{method: "PUT", path: "/api/settings", tag: "team", summary: "Change the team's settings (owners and admins)",
		notes: "agentVisibility ASSIGNED_AND_UNASSIGNED shows agents only their own and unassigned conversations in every route and WebSocket event; others answer 404. " +
			"autoAssign turns automatic assignment on or off and sets its cap (fields left out keep their value).",
		body: "SettingsRequest", reply: "Settings", errors: []int{http.StatusForbidden}},

	// Media.
	{method: "POST", path: "/api/media", tag: "media", summary: "Upload a file (multipart field file) into the tenant's media store", notes: "The type is sniffed from the bytes; identical bytes are stored once per tenant (a new mediaId, the same sha256). At most AEZEN_MEDIA_MAX_BYTES (413 above).", body: bodyFile, status: http.StatusCreated, reply: "Media", errors: []int{http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType}},
	{method: "GET", path: "/api/media/{mediaId}", tag: "media", summary: "A stored file's bytes, with its type, length, ETag and single-range support", notes: "Authorized by the bearer token or by the signed, expiring url of the media object (no token needed: for <img src> and webhook receivers). Another tenant's media id is a 404; an expired or altered signed URL a 403. " +
		"With the token, an agent under ASSIGNED_AND_UNASSIGNED gets a 404 for a file that only colleagues' conversations carry (a file no message carries yet is the team's); a signed URL is not narrowed.", auth: authUserOrURL, reply: replyFile, params: []param{
		query("tenant", "Signed URL: the tenant the link was signed for.", uuidSchema()),
		query("expires", "Signed URL: when the link expires (Unix seconds).", text(0)),
		query("signature", "Signed URL: HMAC of the tenant, media id and expiry.", text(0)),
		header("Range", "One byte range, for example bytes=0-1023; other forms get the whole file."),
		header("If-None-Match", "The ETag of a copy the client holds (304 when unchanged)."),
		header("If-Range", "Serve the Range only if the ETag still matches.")}, errors: []int{http.StatusForbidden, http.StatusConflict, http.StatusRequestedRangeNotSatisfiable}},

	// WhatsApp.
	{method: "POST", path: "/api/integrations/whatsapp/toggle", tag: "whatsapp", summary: "Connect (start pairing) or disconnect WhatsApp", auth: authUser, reply: "WhatsAppStatus", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "GET", path: "/api/integrations/whatsapp/status", tag: "whatsapp", summary: "The WhatsApp connection's status", reply: "WhatsAppStatus"},
	{method: "GET", path: "/api/integrations/whatsapp/qr.png", tag: "whatsapp", summary: "The pairing QR code as an image (404 when none is waiting)", reply: replyPNG, errors: []int{http.StatusNotFound}},
	{method: "POST", path: "/api/integrations/whatsapp/pair-phone", tag: "whatsapp", summary: "Pair by phone number instead of QR code", body: "PairPhoneRequest", reply: "PairPhoneResult", errors: []int{http.StatusForbidden, http.StatusConflict}},
	{method: "POST", path: "/api/integrations/whatsapp/logout", tag: "whatsapp", summary: "Unlink the WhatsApp device", reply: "WhatsAppStatus", errors: []int{http.StatusForbidden}},
	{method: "POST", path: "/api/integrations/whatsapp/send", tag: "whatsapp", summary: "Send a text to a phone number",
		notes: "The number is checked with WhatsApp (cached per tenant) before anything is stored: one without a WhatsApp account is a 422 not_on_whatsapp.", body: "WhatsAppSendRequest", status: http.StatusAccepted, reply: "SendResult", params: []param{idempotencyKey}, errors: []int{http.StatusConflict, http.StatusUnprocessableEntity}},
	{method: "POST", path: "/api/channels/{channelId}/whatsapp/connect", tag: "whatsapp", summary: "Switch this WhatsApp number's session on (owners and admins)",
		notes: "Idempotent: a session already on stays as it is. Without a linked device the status becomes WAITING_QR and qr events carry this channelId. " +
			"404 for a channel the tenant does not have, 409 for a channel of another platform or an inactive one.",
		reply: "WhatsAppStatus", errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict}},
	{method: "POST", path: "/api/channels/{channelId}/whatsapp/disconnect", tag: "whatsapp", summary: "Switch this WhatsApp number's session off, keeping its linked device (owners and admins)", reply: "WhatsAppStatus", errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict}},
	{method: "GET", path: "/api/channels/{channelId}/whatsapp/status", tag: "whatsapp", summary: "This WhatsApp number's connection status", reply: "WhatsAppStatus", errors: []int{http.StatusNotFound, http.StatusConflict}},
	{method: "GET", path: "/api/channels/{channelId}/whatsapp/qr.png", tag: "whatsapp", summary: "This number's pairing QR code as an image (404 when none is waiting)", reply: replyPNG, errors: []int{http.StatusNotFound, http.StatusConflict}},
	{method: "POST", path: "/api/channels/{channelId}/whatsapp/pair-phone", tag: "whatsapp", summary: "Pair this number by phone number instead of QR code (owners and admins)", body: "PairPhoneRequest", reply: "PairPhoneResult", errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict}},
	{method: "POST", path: "/api/channels/{channelId}/whatsapp/logout", tag: "whatsapp", summary: "Unlink this number's WhatsApp device (owners and admins)", reply: "WhatsAppStatus", errors: []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict}},

	// Development only.
	{method: "POST", path: "/api/dev/channels/{channelId}/customer-message", tag: "channels", summary: "Play the customer of an API channel (development only; owners and admins)",
		notes: "The engine signs the message with the channel's secret and delivers it like the channel's integration would. Served only when AEZEN_ENV=development.",
		body:  "DevCustomerMessage", status: http.StatusAccepted, reply: "InboundResult", errors: []int{http.StatusForbidden}, devOnly: true},

	// Business entities.
	{method: "GET", path: "/api/products", tag: "products", summary: "List products", reply: "ProductPage", params: withPaging(
		query("isAvailable", "Only available (true) or unavailable (false) products.", boolean()),
		query("name", "Name contains this text (any case).", text(200)),
		query("sku", "Exactly this SKU.", text(100)),
		query("currency", "Priced in this currency.", text(3)))},
	{method: "POST", path: "/api/products", tag: "products", summary: "Create a product", body: "ProductCreate", status: http.StatusCreated, reply: "Product", errors: []int{http.StatusConflict}},
	{method: "GET", path: "/api/products/{productId}", tag: "products", summary: "One product", reply: "Product"},
	{method: "PUT", path: "/api/products/{productId}", tag: "products", summary: "Change a product", notes: updateNotes + " Orders keep the price they were placed at.", body: "ProductUpdate", reply: "Product", errors: []int{http.StatusConflict}},
	{method: "DELETE", path: "/api/products/{productId}", tag: "products", summary: "Delete a product that no order uses", status: http.StatusNoContent, errors: []int{http.StatusConflict}},

	{method: "GET", path: "/api/customers", tag: "customers", summary: "List customers", reply: "CustomerPage", params: withPaging(
		query("channelId", "Only customers met on this channel.", uuidSchema()),
		query("name", "Full name contains this text (any case).", text(200)),
		query("email", "Email contains this text (any case).", text(254)),
		query("phone", "Phone contains this text.", text(50)),
		query("label", "Only customers with this label (its id or its name).", text(0)),
		include("orders", "chats"))},
	{method: "POST", path: "/api/customers", tag: "customers", summary: "Create a customer", body: "CustomerCreate", status: http.StatusCreated, reply: "Customer", errors: []int{http.StatusConflict}},
	{method: "GET", path: "/api/customers/{customerId}", tag: "customers", summary: "One customer", reply: "CustomerView", params: []param{include("orders", "chats")}},
	{method: "PUT", path: "/api/customers/{customerId}", tag: "customers", summary: "Change a customer", notes: updateNotes, body: "CustomerUpdate", reply: "Customer", errors: []int{http.StatusConflict}},
	{method: "DELETE", path: "/api/customers/{customerId}", tag: "customers", summary: "Delete a customer without orders or chats", status: http.StatusNoContent, errors: []int{http.StatusConflict}},

	{method: "GET", path: "/api/orders", tag: "orders", summary: "List orders", reply: "OrderPage", params: withPaging(
		query("orderStatus", "Only orders in this status.", enum(orderStatuses...)),
		query("customerId", "Only this customer's orders.", uuidSchema()),
		query("channelId", "Only orders placed through this channel.", uuidSchema()),
		query("createdFrom", "Created at or after this RFC 3339 timestamp or date (midnight UTC).", text(40)),
		query("createdTo", "Created before this RFC 3339 timestamp; a date includes that whole day (UTC).", text(40)),
		include("items", "customer"))},
	{method: "POST", path: "/api/orders", tag: "orders", summary: "Place an order", notes: "Items and order are stored in one transaction. The engine prices the items " +
		"(priceAtPurchase and currencyAtPurchase snapshot each product) and computes totalAmount. A product that is unavailable or " +
		"priced in another currency is refused naming the item. The answer carries the items; order_updated is published.",
		body: "OrderCreate", status: http.StatusCreated, reply: "OrderView"},
	{method: "GET", path: "/api/orders/{orderId}", tag: "orders", summary: "One order", reply: "OrderView", params: []param{include("items", "customer")}},
	{method: "PUT", path: "/api/orders/{orderId}", tag: "orders", summary: "Change an order's status, assignee, platform id or addresses",
		notes: "orderStatus follows the lifecycle PENDING → PROCESSING → SHIPPED → DELIVERED; PENDING or PROCESSING → CANCELLED; " +
			"SHIPPED or DELIVERED → REFUNDED. Any other change is a 409. A null address clears it. The answer carries the items; order_updated is published.",
		body: "OrderUpdate", reply: "OrderView", errors: []int{http.StatusConflict}},
	{method: "DELETE", path: "/api/orders/{orderId}", tag: "orders", summary: "Delete an order and its items", status: http.StatusNoContent},

	{method: "GET", path: "/api/chats", tag: "chats", summary: "List chats", reply: "ChatPage", params: withPaging(
		query("status", "Only chats in this status.", enum(chatStatuses...)),
		query("channelId", "Only chats on this channel.", uuidSchema()),
		query("customerId", "Only this customer's chats.", uuidSchema()),
		query("userId", "Only chats assigned to this team member.", uuidSchema()),
		include("customer", "messages"))},
	{method: "POST", path: "/api/chats", tag: "chats", summary: "Open a chat with a customer", body: "ChatCreate", status: http.StatusCreated, reply: "Chat", errors: []int{http.StatusConflict}},
	{method: "GET", path: "/api/chats/{chatId}", tag: "chats", summary: "One chat", notes: "include=messages embeds the latest 50 messages, oldest first.", reply: "ChatView", params: []param{include("customer", "messages")}},
	{method: "PUT", path: "/api/chats/{chatId}", tag: "chats", summary: "Change a chat's status, assignee or platform id", notes: updateNotes + " conversation_updated is published.", body: "ChatUpdate", reply: "Chat", errors: []int{http.StatusConflict}},
	{method: "DELETE", path: "/api/chats/{chatId}", tag: "chats", summary: "Delete a chat and its messages", status: http.StatusNoContent},
	{method: "GET", path: "/api/chats/{chatId}/messages", tag: "chats", summary: "A chat's messages in time order", reply: "MessagePage", params: withPaging(
		query("senderType", "Only messages from this sender.", enum(senderTypes...)))},
	{method: "POST", path: "/api/chats/{chatId}/messages", tag: "chats", summary: "Add a message to a chat",
		notes: "An AGENT (default) or SYSTEM message is sent to the customer through the chat's conversation, like POST /api/conversations/{chatId}/send. " +
			"A CUSTOMER message is recorded as received (an import, a message taken by phone), unread, with an optional platformMessageId and timestamp.",
		body: "MessageCreate", status: http.StatusCreated, reply: "Message", params: []param{idempotencyKey}, errors: []int{http.StatusConflict, http.StatusUnprocessableEntity}},
	{method: "GET", path: "/api/messages/{messageId}", tag: "chats", summary: "One message", reply: "Message"},
	{method: "PUT", path: "/api/messages/{messageId}", tag: "chats", summary: "Change a message's content or metadata", notes: "The stored record only: what was already delivered to the customer does not change (PATCH edits on the channel).", body: "MessageUpdate", reply: "Message"},
	{method: "PATCH", path: "/api/messages/{messageId}", tag: "inbox", summary: "Edit the team's text message on the channel",
		notes: "An AGENT TEXT message that was sent, within AEZEN_MESSAGE_EDIT_WINDOW (15 minutes, WhatsApp's window) of its sending; 409 otherwise (after the window, deleted, not sent, not the team's). " +
			"The replaced text is kept in versions, editedAt is set; on WhatsApp the edit reaches the customer's phone. Publishes message_updated.",
		body: "EditRequest", reply: "Message", errors: []int{http.StatusConflict}},
	{method: "POST", path: "/api/messages/{messageId}/reactions", tag: "inbox", summary: "React to a message (an empty emoji takes the reaction back)",
		notes: "The business has one reaction per message (as on WhatsApp): a team member's replaces a colleague's. On WhatsApp the reaction reaches the customer's phone. Publishes message_updated.",
		body:  "ReactRequest", reply: "Message", errors: []int{http.StatusConflict}},
	{method: "POST", path: "/api/messages/{messageId}/revoke", tag: "inbox", summary: "Delete the team's message for everyone",
		notes: "An AGENT message that was sent, within AEZEN_MESSAGE_REVOKE_WINDOW (48 hours) of its sending; 409 otherwise. revokedAt is set; the team still reads the content. On WhatsApp the message is deleted on the customer's phone. Publishes message_updated.",
		reply: "Message", errors: []int{http.StatusConflict}},
	{method: "DELETE", path: "/api/messages/{messageId}", tag: "chats", summary: "Delete a message", status: http.StatusNoContent},

	// Real time.
	{method: "GET", path: "/ws", tag: "realtime", summary: "The WebSocket of real-time events", auth: authPublic, status: http.StatusSwitchingProtocols, reply: replyWebSocket,
		params: []param{query("token", "A user's JWT (or send it as Sec-WebSocket-Protocol: aezen.v1, <token>).", text(0))}, errors: []int{http.StatusUnauthorized}},
}

const updateNotes = "Absent fields stay as they are; an empty string clears an optional text field, null clears a JSON field."

// signedAt is the time a signed call was signed at; the signature covers it.
var signedAt = header("X-Aezen-Timestamp", "Unix time in seconds at which the call was signed; X-Aezen-Signature is the HMAC of \"<this value>.<raw body>\". "+
	"Required unless the node runs with AEZEN_SIGNATURE_LEGACY (integrations written before timestamps).")

var idempotencyKey = header("Idempotency-Key", "Repeating a request with the same key returns the first result instead of sending again. "+
	"A key belongs to the user and the request path (the same key on another chat, or from another user, is another key); "+
	"reusing it with a different body answers 422 idempotency_key_reused.")

// withPaging prepends limit and offset to a list's parameters.
func withPaging(params ...param) []param {
	return append([]param{
		query("limit", "Page size, 1 to 200 (default 50).", integer(1, 200)),
		query("offset", "Rows to skip: nextOffset of the previous page.", integer(0, 0)),
	}, params...)
}

// include is the include= parameter of a resource that can embed the given relations.
func include(relations ...string) param {
	return query("include", "Related records to embed, comma separated: any of "+joinQuoted(relations)+".", text(0))
}

var apiTags = []js{
	{"name": "auth", "description": "Sign up, log in, the current user, API keys for integrations."},
	{"name": "users", "description": "The tenant's team."},
	{"name": "team", "description": "How the team works: settings such as which conversations agents see."},
	{"name": "channels", "description": "Connected channels (seed connectedChannels), and the signed endpoints of API channels."},
	{"name": "inbox", "description": "Conversations as the inbox shows them: unread counts, sending, marking read."},
	{"name": "media", "description": "Files in the tenant's media store: uploads for sending, and received files. Every media object carries a signed, expiring url."},
	{"name": "whatsapp", "description": "The tenant's WhatsApp numbers: one session per WHATSAPP channel; /api/integrations/whatsapp acts on the default (oldest) one."},
	{"name": "products", "description": "The catalogue."},
	{"name": "customers", "description": "End customers met on the channels."},
	{"name": "orders", "description": "Orders with their items."},
	{"name": "chats", "description": "Chats and their messages as records (the inbox view is under inbox)."},
	{"name": "realtime", "description": "GET /ws upgrades to a WebSocket. Server frames are {event, data}: incoming_message, message_status, " +
		"message_updated (data: the whole message, after its received file became READY or FAILED), conversation_updated, order_updated, qr, connection_status, viewing, and ack (the answer to a client frame). Client frames are " +
		"{event, data} with event send_message, mark_read, typing {chatId, on} or viewing {chatId, on?}. " +
		"Collision hints: a client sends viewing {chatId} while a conversation is open on screen, at least every 5 s, and viewing {chatId, on: false} when it closes it; " +
		"typing also counts as viewing. Everyone who may see the conversation (the sender included: drop your own userId) gets " +
		"viewing {chatId, userId, name, viewing, typing, at, expiresAt}; a hint holds until expiresAt (at + 8 s) unless refreshed, and viewing false ends it at once. " +
		"A conversation the sender may not see is a not_found ack. Nothing is stored."},
	{"name": "integrations", "description": "Event webhooks: message.created, message.updated, conversation.updated, customer.updated, order.created, " +
		"order.updated and channel.status (isActive, and a WhatsApp number's connection state), signed, at least once, in order per conversation, from a durable outbox. API keys are under auth."},
	{"name": "operations", "description": "Health, metrics, operator endpoints and this document."},
}
