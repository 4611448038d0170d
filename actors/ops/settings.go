package ops

// The tenant's team settings.
var (
	OpSettingsGet    = Declare[None, Settings]("settings.get")
	OpSettingsUpdate = Declare[SettingsInput, Settings]("settings.update")
)

// SettingsInput is the payload of OpSettingsUpdate: the fields to change.
type SettingsInput struct {
	AgentVisibility *string `json:"agentVisibility"`
}
