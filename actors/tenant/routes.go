package tenant

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
)

// routes is the routing table: for every operation of package ops, where it runs.
//   - query: a goroutine of its own with the tenant's store, off the mailbox (package queries);
//   - onTenant: the tenant actor, because it uses the actor's caches (channels, contacts) or children
//     (channel sessions);
//   - onChat: the chat's conversation actor, the only writer of the chat's state.
//
// The constructors take the op's declaration, so a handler whose input or answer does not match the op's
// does not compile. TestEveryOperationIsRouted checks that no declared op is missing.
var routes = table(
	query(ops.OpConversationList, queries.ListConversations),
	query(ops.OpConversationGet, queries.GetConversation),
	query(ops.OpConversationMessages, queries.ConversationMessages),
	beforeSend(onChat(ops.OpConversationSend, func(in ops.SendInput) uuid.UUID { return in.ChatID }, (*conversationActor).send)),
	onChat(ops.OpConversationRead, func(in ops.ChatRef) uuid.UUID { return in.ChatID }, (*conversationActor).markRead),
	onChat(ops.OpConversationTyping, func(in ops.TypingInput) uuid.UUID { return in.ChatID }, (*conversationActor).typing),
	onChatBy(ops.OpConversationAssign, func(in ops.AssignInput) uuid.UUID { return in.ChatID }, (*conversationActor).assign),
	onChat(ops.OpConversationStatus, func(in ops.StatusInput) uuid.UUID { return in.ChatID }, (*conversationActor).setStatus),
	onChatBy(ops.OpConversationViewing, func(in ops.ViewingInput) uuid.UUID { return in.ChatID }, (*conversationActor).viewing),
	onChatBy(ops.OpConversationNote, func(in ops.NoteInput) uuid.UUID { return in.ChatID }, (*conversationActor).note),
	onChatBy(ops.OpMessageReact, func(in ops.ReactInput) uuid.UUID { return in.ChatID }, (*conversationActor).react),
	onChatBy(ops.OpMessageEdit, func(in ops.EditInput) uuid.UUID { return in.ChatID }, (*conversationActor).edit),
	onChatBy(ops.OpMessageRevoke, func(in ops.MessageRef) uuid.UUID { return in.ChatID }, (*conversationActor).revoke),
	query(ops.OpSearch, queries.Search),
	query(ops.OpSettingsGet, queries.GetSettings),
	query(ops.OpSettingsUpdate, queries.UpdateSettings),
	query(ops.OpWebhookCreate, queries.CreateWebhook),
	query(ops.OpWebhookList, queries.ListWebhooks),
	query(ops.OpWebhookGet, queries.GetWebhook),
	query(ops.OpWebhookUpdate, queries.UpdateWebhook),
	query(ops.OpWebhookDelete, queries.DeleteWebhook),
	query(ops.OpWebhookDeliveries, queries.ListDeliveries),
	queryWakingWebhooks(ops.OpWebhookRetry, queries.RetryDelivery),
	query(ops.OpLabelCreate, queries.CreateLabel),
	query(ops.OpLabelList, queries.ListLabels),
	query(ops.OpLabelGet, queries.GetLabel),
	query(ops.OpLabelUpdate, queries.UpdateLabel),
	query(ops.OpLabelDelete, queries.DeleteLabel),
	queryWakingWebhooks(ops.OpConversationLabels, queries.SetConversationLabels),
	queryWakingWebhooks(ops.OpCustomerLabels, queries.SetCustomerLabels),
	query(ops.OpCannedCreate, queries.CreateCannedReply),
	query(ops.OpCannedList, queries.ListCannedReplies),
	query(ops.OpCannedGet, queries.GetCannedReply),
	query(ops.OpCannedUpdate, queries.UpdateCannedReply),
	query(ops.OpCannedDelete, queries.DeleteCannedReply),
	query(ops.OpCannedRender, queries.RenderCannedReply),

	query(ops.OpChannelCreate, queries.CreateChannel),
	query(ops.OpChannelList, queries.ListChannels),
	query(ops.OpChannelGet, queries.GetChannel),
	queryWakingWebhooks(ops.OpChannelUpdate, queries.UpdateChannel),
	query(ops.OpChannelDelete, queries.DeleteChannel),
	onTenantLazy(ops.OpChannelInbound, (*tenantActor).signedInbound),
	onTenantLazy(ops.OpChannelStatus, (*tenantActor).statusCallback),
	onTenant(ops.OpChannelIngest, (*tenantActor).ingest),
	onTenant(ops.OpChannelDevInbound, (*tenantActor).devInbound),

	query(ops.OpProductCreate, queries.CreateProduct),
	query(ops.OpProductList, queries.ListProducts),
	query(ops.OpProductGet, queries.GetProduct),
	query(ops.OpProductUpdate, queries.UpdateProduct),
	query(ops.OpProductDelete, queries.DeleteProduct),
	query(ops.OpCustomerCreate, queries.CreateCustomer),
	query(ops.OpCustomerList, queries.ListCustomers),
	query(ops.OpCustomerGet, queries.GetCustomer),
	queryWakingWebhooks(ops.OpCustomerUpdate, queries.UpdateCustomer),
	query(ops.OpCustomerDelete, queries.DeleteCustomer),
	queryWakingWebhooks(ops.OpOrderCreate, queries.CreateOrder),
	query(ops.OpOrderList, queries.ListOrders),
	query(ops.OpOrderGet, queries.GetOrder),
	queryWakingWebhooks(ops.OpOrderUpdate, queries.UpdateOrder),
	query(ops.OpOrderDelete, queries.DeleteOrder),
	query(ops.OpChatCreate, queries.CreateChat),
	query(ops.OpChatList, queries.ListChats),
	query(ops.OpChatGet, queries.GetChat),
	queryWakingWebhooks(ops.OpChatUpdate, queries.UpdateChat),
	query(ops.OpChatDelete, queries.DeleteChat),
	query(ops.OpChatMessageList, queries.ListChatMessages),
	queryWakingWebhooks(ops.OpChatMessageCreate, queries.CreateCustomerMessage),
	query(ops.OpMessageGet, queries.GetMessage),
	queryWakingWebhooks(ops.OpMessageUpdate, queries.UpdateMessage),
	query(ops.OpMessageDelete, queries.DeleteMessage),

	query(ops.OpMediaUploadBegin, queries.MediaUploadBegin),
	query(ops.OpMediaUploadWrite, queries.MediaUploadWrite),
	query(ops.OpMediaUploadFinish, queries.MediaUploadFinish),
	query(ops.OpMediaUploadAbort, queries.MediaUploadAbort),
	query(ops.OpMediaStat, queries.MediaStat),
	query(ops.OpMediaRead, queries.MediaRead),

	onTenant(ops.OpWhatsAppToggle, (*tenantActor).whatsappToggle),
	onTenant(ops.OpWhatsAppConnect, (*tenantActor).whatsappConnect),
	onTenant(ops.OpWhatsAppDisconnect, (*tenantActor).whatsappDisconnect),
	onTenant(ops.OpWhatsAppStatus, (*tenantActor).whatsappStatus),
	onTenant(ops.OpWhatsAppLogout, (*tenantActor).whatsappLogout),
	onTenant(ops.OpWhatsAppPairPhone, (*tenantActor).whatsappPairPhone),
	onTenant(ops.OpWhatsAppSend, (*tenantActor).whatsappSend),

	onTenant(ops.OpTenantInfo, (*tenantActor).info),
	onTenant(ops.OpTenantDescribe, (*tenantActor).describeOp),
	onTenant(ops.OpTenantSuspend, (*tenantActor).suspend),
)

func (t *tenantActor) info(ctx actor.Context, _ node.Caller, _ ops.None, done func(ops.TenantInfo, error)) {
	done(ops.TenantInfo{TenantID: t.tenantID.String(), Name: t.tenant.Name, Status: t.tenant.Status,
		Member: ctx.ActorSystem().Address()}, nil)
}

func (t *tenantActor) describeOp(ctx actor.Context, _ node.Caller, _ ops.None, done func(ops.TenantDescription, error)) {
	done(t.describe(ctx), nil)
}

// suspend stops the tenant's actor for good: commands already queued are refused, and the next activation
// refuses to start (the master database says SUSPENDED).
func (t *tenantActor) suspend(ctx actor.Context, _ node.Caller, _ ops.None, done func(ops.None, error)) {
	t.failed = node.ErrTenantSuspended
	done(ops.None{}, nil)
	ctx.Poison(ctx.Self())
}
