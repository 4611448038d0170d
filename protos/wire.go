package protos

import "github.com/asynkron/protoactor-go/remote"

// TenantCommand and TenantReply are the wire forms of the engine's in-process envelopes (node.Command and
// node.Answer), which carry typed values and implement remote.RootSerializable: protoactor encodes them
// into these only when a message leaves the process. On the receiving member these are delivered as they
// are (Deserialize is the identity), and the tenant decodes the JSON payload it finds in them.
var (
	_ remote.RootSerialized   = (*TenantCommand)(nil)
	_ remote.RootSerializable = (*TenantCommand)(nil)
	_ remote.RootSerialized   = (*TenantReply)(nil)
	_ remote.RootSerializable = (*TenantReply)(nil)
)

// Serialize is the identity: a TenantCommand is already its wire form.
func (c *TenantCommand) Serialize() (remote.RootSerialized, error) { return c, nil }

// Deserialize is the identity: the receiving tenant reads the TenantCommand itself.
func (c *TenantCommand) Deserialize() (remote.RootSerializable, error) { return c, nil }

// Serialize is the identity: a TenantReply is already its wire form.
func (r *TenantReply) Serialize() (remote.RootSerialized, error) { return r, nil }

// Deserialize is the identity: the requester reads the TenantReply itself.
func (r *TenantReply) Deserialize() (remote.RootSerializable, error) { return r, nil }

// A PresenceReport does not count as activity: a tenant whose only traffic is its members' presence
// reports still passivates when idle (actors/tenant/presence.go).
func (*PresenceReport) NotInfluenceReceiveTimeout() {}
