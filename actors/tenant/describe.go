package tenant

import (
	"sort"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/ops"
)

func (t *tenantActor) describe(ctx actor.Context) ops.TenantDescription {
	d := ops.TenantDescription{TenantID: t.tenantID.String(), Name: t.tenant.Name, Member: ctx.ActorSystem().Address(), Epoch: t.epoch,
		ActivatedAt: t.activatedAt, Commands: t.commands, Conversations: []ops.ConversationDescription{}, Sessions: []ops.SessionDescription{}}
	if !t.lastCommandAt.IsZero() {
		last := t.lastCommandAt
		d.LastCommandAt = &last
		d.IdleSeconds = time.Since(last).Seconds()
	}
	for id, ref := range t.convs {
		d.Conversations = append(d.Conversations, ops.ConversationDescription{ChatID: id, Stopping: ref.stopping, Waiting: len(ref.buffered)})
	}
	sort.Slice(d.Conversations, func(i, j int) bool { return d.Conversations[i].ChatID.String() < d.Conversations[j].ChatID.String() })
	for id, s := range t.sessions {
		d.Sessions = append(d.Sessions, ops.SessionDescription{ChannelID: id, Platform: s.platform, Live: s.live, Status: s.status})
	}
	if t.autoAssign.Get().Enabled {
		d.AutoAssign = &ops.AutoAssignDescription{OnlineAgents: t.onlineAgents(), Assigned: t.autoAssigned,
			Unassigned: t.autoUnassigned, Queued: len(t.assignQueue)}
	}
	return d
}
