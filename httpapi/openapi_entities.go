package httpapi

import (
	"maps"

	"github.com/aezen/engine/domain"
)

// entitySchemas are the shapes of the business entity resources: products, customers, orders, chats and
// messages, with the create and update bodies of each.
func entitySchemas() js {
	productFields := props{"name": textRange(1, 200), "description": text(5000), "price": money(), "currency": currency(),
		"sku": text(100), "imageUrl": url(), "imageId": text(200), "shortId": text(50), "isAvailable": boolean(),
		"imageMediaId": described(text(36), "An image uploaded with POST /api/media (its id); the product then shows its signed link as imageUrl. \"\" clears it; setting imageUrl alone clears it too.")}
	customerFields := props{"platformCustomerId": textRange(1, 200), "fullName": text(200), "email": email(),
		"phone": described(text(16), "E.164, like +15551234567."), "avatarUrl": url(), "metadata": null(jsonObject())}
	orderFields := props{"userId": described(uuidSchema(), "A team member; the caller by default."),
		"platformOrderId": text(200), "orderStatus": enum(orderStatuses...),
		"shippingAddress": null(jsonObject()), "billingAddress": null(jsonObject())}
	chatFields := props{"userId": described(text(36), "The assigned team member's id; \"\" unassigns."),
		"platformChatId": text(200), "status": enum(chatStatuses...)}
	messageFields := props{"content": textRange(1, 65536), "metadata": null(jsonObject())}

	return js{
		"Product": answer(props{"productId": uuidSchema(), "userId": uuidSchema(), "name": text(0),
			"description": null(text(0)), "price": money(), "currency": currency(), "sku": null(text(0)),
			"imageUrl": described(null(text(0)), "The product's own link, or the signed link of its imageMediaId."),
			"imageId":  null(text(0)), "imageMediaId": null(uuidSchema()), "shortId": null(text(0)), "isAvailable": boolean(),
			"createdAt": timestamp(), "updatedAt": timestamp()}),
		"ProductCreate": input(productFields, "name", "price", "currency"),
		"ProductUpdate": input(productFields),
		"ProductPage":   offsetPage("Product"),

		"Customer": answer(props{"customerId": uuidSchema(), "channelId": uuidSchema(), "platformCustomerId": text(0),
			"fullName": null(text(0)), "email": null(text(0)), "phone": null(text(0)),
			"avatarUrl":   described(null(text(0)), "The team's URL, or the WhatsApp profile picture fetched into the media store (a signed media url)."),
			"firstSeenAt": timestamp(), "lastSeenAt": timestamp(), "metadata": null(jsonObject()),
			"nameEditedAt": described(null(timestamp()), "When the team last set fullName; a WhatsApp push name never replaces it. Null: the name follows the push name (clearing fullName hands it back).")}),
		"CustomerView": extended("Customer", props{
			"labels": described(array(ref("LabelRef")), "The customer's labels, by name."),
			"orders": described(array(ref("Order")), "With include=orders: the newest 50 orders, oldest first."),
			"chats":  described(array(ref("Chat")), "With include=chats: the 50 most recently active chats.")}),
		"CustomerCreate": input(with(customerFields, props{"channelId": uuidSchema()}), "channelId", "platformCustomerId"),
		"CustomerUpdate": input(customerFields),
		"CustomerPage":   offsetPage("CustomerView"),

		"Order": answer(props{"orderId": uuidSchema(), "customerId": uuidSchema(), "channelId": uuidSchema(),
			"userId": uuidSchema(), "platformOrderId": null(text(0)), "orderStatus": enum(orderStatuses...),
			"totalAmount": described(money(), "The sum of quantity × priceAtPurchase of the items, computed by the engine."),
			"currency":    currency(), "shippingAddress": null(jsonObject()), "billingAddress": null(jsonObject()),
			"createdAt": timestamp(), "updatedAt": timestamp()}),
		"OrderItem": answer(props{"orderItemId": uuidSchema(), "orderId": uuidSchema(), "productId": uuidSchema(),
			"quantity": integer(1, 100000), "priceAtPurchase": money(), "currencyAtPurchase": currency()}),
		"OrderView": extended("Order", props{
			"items":    described(array(ref("OrderItem")), "With include=items, and in create and update answers."),
			"customer": described(ref("Customer"), "With include=customer.")}),
		"OrderLine": input(props{"productId": uuidSchema(), "quantity": integer(1, 100000)}, "productId", "quantity"),
		"OrderCreate": input(with(orderFields, props{
			"customerId": uuidSchema(),
			"channelId":  described(uuidSchema(), "The channel the order came through; the customer's channel by default."),
			"currency":   described(currency(), "Every item's product must be priced in it."),
			"items":      js{"type": "array", "items": ref("OrderLine"), "minItems": 1, "maxItems": 100}}),
			"customerId", "currency", "items"),
		"OrderUpdate": input(orderFields),
		"OrderPage":   offsetPage("OrderView"),

		"Chat": answer(props{"chatId": uuidSchema(), "customerId": uuidSchema(), "channelId": uuidSchema(),
			"userId": null(uuidSchema()), "platformChatId": null(text(0)), "status": enum(chatStatuses...),
			"startedAt": timestamp(), "lastMessageAt": null(timestamp()), "lastMessage": null(text(0)),
			"unreadCount": integer(0, 0)}),
		"ChatView": extended("Chat", props{
			"customer": described(ref("Customer"), "With include=customer."),
			"messages": described(array(ref("Message")), "With include=messages: the latest 50, oldest first.")}),
		"ChatCreate": input(with(chatFields, props{"customerId": uuidSchema(),
			"channelId": described(uuidSchema(), "Must be the customer's channel, which is the default.")}), "customerId"),
		"ChatUpdate": input(chatFields),
		"ChatPage":   offsetPage("ChatView"),

		"Message": object(props{"messageId": uuidSchema(), "chatId": uuidSchema(), "platformMessageId": null(text(0)),
			"senderType": enum(senderTypes...), "contentType": enum(contentTypes...), "content": text(0),
			"metadata": null(jsonObject()), "timestamp": timestamp(),
			"status": enum(messageStatuses...), "isRead": boolean(),
			"error": described(text(0), "Why the last send failed, when it did."),
			"media": described(ref("MessageMedia"), "The file of an IMAGE, VIDEO, AUDIO, FILE or STICKER message (content is then its caption)."),
			"origin": null(described(enum(domain.MessageOrigins.Strings()...), "Where a business message was sent from: AEZEN through the engine, "+
				"PHONE from the WhatsApp phone or another linked device; null on customers' messages and notes.")),
			"replyTo":   described(ref("MessageReply"), "The message this one quotes (a reply)."),
			"reactions": described(array(ref("Reaction")), "The customer's and the business's reactions, one each at most (WhatsApp keeps one per account); absent when none."),
			"editedAt":  described(timestamp(), "When the message was last edited (by the team with PATCH, or by the customer on WhatsApp)."),
			"versions":  described(array(ref("MessageVersion")), "What an edited message said before, oldest first; readable by the team only (absent when never edited)."),
			"revokedAt": described(timestamp(), "When the message was deleted for everyone; its content stays readable by the team."),
			"location":  described(ref("MessageLocation"), "A LOCATION message's place (content says it in words)."),
			"contacts":  described(array(ref("MessageContact")), "The people of a shared contact card, a TEXT message whose content says them in words.")},
			"messageId", "chatId", "platformMessageId", "senderType", "contentType", "content", "metadata", "timestamp",
			"status", "isRead"),
		"MessageLocation": object(props{"latitude": js{"type": "number", "minimum": -90, "maximum": 90},
			"longitude": js{"type": "number", "minimum": -180, "maximum": 180},
			"name":      described(text(0), "The place's name, when the sender picked a place."), "address": text(0)}, "latitude", "longitude"),
		"MessageContact": object(props{"name": text(0), "phones": array(text(0))}, "name", "phones"),
		"MessageReply": object(props{"messageId": uuidSchema(),
			"excerpt": described(text(0), "The start of the quoted message (media as [IMAGE] and caption); empty once it was deleted.")}, "messageId", "excerpt"),
		"Reaction": object(props{"emoji": text(0),
			"by": described(text(0), "CUSTOMER, the id of the team member who reacted, or PHONE (the business reacting from its WhatsApp phone)."),
			"at": timestamp()}, "emoji", "by", "at"),
		"MessageVersion": object(props{"content": text(0), "at": described(timestamp(), "Since when the message said this.")}, "content", "at"),
		"MessageMedia": object(props{"mediaId": uuidSchema(), "mimeType": text(0), "size": integer(0, 0), "fileName": text(0),
			"url":   described(text(0), "Signed, expiring link to GET /api/media/{mediaId}, usable without a token."),
			"state": described(enum(domain.MediaStates.Strings()...), "PENDING while a received file downloads, READY when stored, FAILED if it could not be."),
			"error": described(null(text(0)), "Why a FAILED file could not be downloaded (expired on WhatsApp and the phone no longer has it, over the size limit, ...).")},
			"mediaId", "mimeType", "size", "fileName", "url", "state"),
		"MessageCreate": input(with(messageFields, props{
			"senderType":        described(enum(domain.PostedSenderTypes.Strings()...), "AGENT by default."),
			"contentType":       described(enum(contentTypes...), "TEXT by default."),
			"platformMessageId": described(textRange(1, 200), "CUSTOMER messages only; unique."),
			"timestamp":         described(timestamp(), "CUSTOMER messages only; now by default.")}), "content"),
		"MessageUpdate": input(messageFields),
		"MessagePage":   offsetPage("Message"),
	}
}

func currency() js {
	return js{"type": "string", "pattern": "^[A-Z]{3}$", "example": "USD", "description": "An ISO 4217 currency code."}
}

// with returns the union of two property sets.
func with(a, b props) props {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// extended is a record with optional embedded relations (include=).
func extended(base string, relations props) js {
	return js{"allOf": []js{ref(base), {"type": "object", "properties": relations}}}
}
