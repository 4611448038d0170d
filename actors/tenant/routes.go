package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/domain"
)

// The routing table: where each operation runs. Every op in package ops is in exactly one of the three maps.

// queryFunc answers an operation from the tenant's database on a goroutine of its own, off the grain's mailbox.
type queryFunc func(ctx context.Context, s *queries.Scope, cmd *node.Command) (any, error)

// actorOpFunc handles an operation on the tenant actor's own goroutine (it touches the actor's state).
type actorOpFunc func(t *tenantActor, ctx actor.Context, cmd *node.Command)

// queryRoutes run off the mailbox: they read or write the database and touch no actor state.
var queryRoutes = map[string]queryFunc{
	ops.OpChannelCreate:        queries.CreateChannel,
	ops.OpChannelList:          queries.ListChannels,
	ops.OpChannelGet:           queries.GetChannel,
	ops.OpChannelUpdate:        queries.UpdateChannel,
	ops.OpChannelDelete:        queries.DeleteChannel,
	ops.OpChatCreate:           queries.CreateChat,
	ops.OpChatList:             queries.ListChats,
	ops.OpChatGet:              queries.GetChat,
	ops.OpChatUpdate:           queries.UpdateChat,
	ops.OpChatDelete:           queries.DeleteChat,
	ops.OpConversationList:     queries.ListConversations,
	ops.OpConversationGet:      queries.GetConversation,
	ops.OpConversationMessages: queries.ConversationMessages,
	ops.OpCustomerCreate:       queries.CreateCustomer,
	ops.OpCustomerList:         queries.ListCustomers,
	ops.OpCustomerGet:          queries.GetCustomer,
	ops.OpCustomerUpdate:       queries.UpdateCustomer,
	ops.OpCustomerDelete:       queries.DeleteCustomer,
	ops.OpChatMessageList:      queries.ListChatMessages,
	ops.OpChatMessageCreate:    queries.CreateCustomerMessage,
	ops.OpMessageGet:           queries.GetMessage,
	ops.OpMessageUpdate:        queries.UpdateMessage,
	ops.OpMessageDelete:        queries.DeleteMessage,
	ops.OpOrderCreate:          queries.CreateOrder,
	ops.OpOrderList:            queries.ListOrders,
	ops.OpOrderGet:             queries.GetOrder,
	ops.OpOrderUpdate:          queries.UpdateOrder,
	ops.OpOrderDelete:          queries.DeleteOrder,
	ops.OpProductCreate:        queries.CreateProduct,
	ops.OpProductList:          queries.ListProducts,
	ops.OpProductGet:           queries.GetProduct,
	ops.OpProductUpdate:        queries.UpdateProduct,
	ops.OpProductDelete:        queries.DeleteProduct,
}

// actorRoutes run on the tenant actor: they use its caches (channels, contacts) or its children (sessions).
var actorRoutes = map[string]actorOpFunc{
	ops.OpTenantInfo:        (*tenantActor).tenantInfo,
	ops.OpTenantDescribe:    (*tenantActor).describeOp,
	ops.OpTenantSuspend:     (*tenantActor).suspend,
	ops.OpChannelInbound:    (*tenantActor).signedInbound,
	ops.OpChannelStatus:     (*tenantActor).receiveStatusCallback,
	ops.OpChannelIngest:     (*tenantActor).ingest,
	ops.OpChannelDevInbound: (*tenantActor).devInbound,
	ops.OpWhatsAppToggle:    (*tenantActor).whatsappToggle,
	ops.OpWhatsAppStatus:    (*tenantActor).whatsappStatus,
	ops.OpWhatsAppLogout:    (*tenantActor).whatsappStatus,
	ops.OpWhatsAppPairPhone: (*tenantActor).whatsappPairPhone,
	ops.OpWhatsAppSend:      (*tenantActor).whatsappSend,
}

// conversationRoutes go to the chat's conversation actor, the only writer of the chat's state.
var conversationRoutes = map[string]struct{}{
	ops.OpConversationSend:   {},
	ops.OpConversationRead:   {},
	ops.OpConversationTyping: {},
}

func (t *tenantActor) tenantInfo(ctx actor.Context, cmd *node.Command) {
	ctx.Respond(node.Reply(ops.TenantInfo{TenantID: t.tenantID.String(), Name: t.tenant.Name, Status: t.tenant.Status,
		Member: ctx.ActorSystem().Address()}, nil, t.log, cmd.TenantCommand))
}

func (t *tenantActor) suspend(ctx actor.Context, cmd *node.Command) {
	t.failed = errTenantSuspended
	ctx.Respond(node.Reply(struct{}{}, nil, t.log, cmd.TenantCommand))
	ctx.Poison(ctx.Self())
}

var errTenantSuspended = domain.Forbidden("tenant is suspended")
