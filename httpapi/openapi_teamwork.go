package httpapi

import "github.com/aezen/engine/domain"

// teamworkSchemas are the shapes of assignment, settings and the other teamwork routes.
func teamworkSchemas() js {
	return js{
		"AssignRequest": input(props{"userId": described(null(uuidSchema()), "The team member to assign to; null unassigns.")}, "userId"),
		"Settings": object(props{
			"agentVisibility": described(enum(domain.AgentVisibilities.Strings()...),
				"Which conversations agents see: all of them, or only their own and unassigned ones (owners and admins see all)."),
			"updatedAt": timestamp()}, "agentVisibility", "updatedAt"),
		"NoteRequest": input(props{"content": textRange(1, 65536),
			"mentions": described(array(uuidSchema()), "Team members to notify (at most 20).")}, "content"),
		"NoteResult":      object(props{"message": ref("Message")}, "message"),
		"SettingsRequest": input(props{"agentVisibility": enum(domain.AgentVisibilities.Strings()...)}),
	}
}
