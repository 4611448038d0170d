package ops

// The tenant's team settings.
var (
	OpSettingsGet    = Declare[None, Settings]("settings.get")
	OpSettingsUpdate = Declare[SettingsInput, Settings]("settings.update")
)

// SettingsInput is the payload of OpSettingsUpdate: the fields to change.
type SettingsInput struct {
	AgentVisibility *string          `json:"agentVisibility"`
	AutoAssign      *AutoAssignInput `json:"autoAssign"`
}

// AutoAssignInput changes the automatic assignment setting: the fields given.
type AutoAssignInput struct {
	Enabled         *bool `json:"enabled"`
	MaxOpenPerAgent *int  `json:"maxOpenPerAgent"`
}

// MaxOpenPerAgentLimit bounds autoAssign.maxOpenPerAgent (the database checks it too).
const MaxOpenPerAgentLimit = 1000
