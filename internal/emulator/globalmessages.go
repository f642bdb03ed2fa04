package emulator

import "net/http"

// Global messages (quay-api.md §22; endpoints/api/globalmessages.py,
// data/model/message.py): the banners superusers put on every page of the
// web UI. No update, no GET by uuid; a create answers without the uuid.

// globalMessage is a Messages row.
type globalMessage struct {
	uuid      string
	content   string
	severity  string
	mediaType string
}

func (m *globalMessage) view() map[string]any {
	return map[string]any{"uuid": m.uuid, "content": m.content, "severity": m.severity, "media_type": m.mediaType}
}

// createMessageSchema is CreateMessage; the top-level message key is not
// required, and a body without it fails in the handler.
var createMessageSchema = mustSchema(`{"id": "CreateMessage", "type": "object", "description": "Create a new message", "properties": {
	"message": {"type": "object", "description": "A single message", "required": ["content", "media_type", "severity"], "properties": {
		"content": {"type": "string", "description": "The actual message"},
		"media_type": {"type": "string", "description": "The media type of the message", "enum": ["text/plain", "text/markdown"]},
		"severity": {"type": "string", "description": "The severity of the message", "enum": ["info", "warning", "error"]}}}}}`)

func (s *Server) registerGlobalMessageRoutes(rt *router) {
	rt.handle("GET", "/api/v1/messages", s.listGlobalMessages)
	rt.handle("POST", "/api/v1/messages", s.createGlobalMessage)
	if s.cfg.Features.SuperUsers {
		rt.handle("DELETE", "/api/v1/message/{uuid}", s.deleteGlobalMessage)
	}
}

// GET /api/v1/messages: every message, to anybody.
func (s *Server) listGlobalMessages(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]any, 0, len(s.state.messages))
	for _, m := range s.state.messages {
		out = append(out, m.view())
	}
	r.ok(200, map[string]any{"messages": out})
}

// abortForbidden is Flask's abort(403) inside the API: {"message"}.
func (r *request) abortForbidden() {
	writeJSON(r.w, http.StatusForbidden, map[string]string{"message": permissionDenied})
}

// POST /api/v1/messages: the body's schema first, then FEATURE_SUPER_USERS
// (the route exists without it and aborts 404), then the superuser check;
// 201 with an empty body.
func (s *Server) createGlobalMessage(r *request) {
	body, _, ok := r.validJSON(createMessageSchema)
	if !ok {
		return
	}
	if !s.cfg.Features.SuperUsers {
		writeJSON(r.w, http.StatusNotFound, map[string]string{"message": notFoundText})
		return
	}
	if !r.caller.superuser {
		r.abortForbidden()
		return
	}
	msg := body.get("message")
	if msg == nil {
		r.internalError() // request.get_json()["message"]: KeyError
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.messages = append(s.state.messages, &globalMessage{
		uuid: randomUUID(), content: msg.get("content").str,
		severity: msg.get("severity").str, mediaType: msg.get("media_type").str,
	})
	writeHTML(r.w, http.StatusCreated, "")
}

// DELETE /api/v1/message/{uuid}: 204 whether or not the message exists.
func (s *Server) deleteGlobalMessage(r *request) {
	if !r.caller.superuser {
		r.abortForbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	uuid := r.param("uuid")
	kept := s.state.messages[:0]
	for _, m := range s.state.messages {
		if m.uuid != uuid {
			kept = append(kept, m)
		}
	}
	s.state.messages = kept
	r.noContent()
}

// AllGlobalMessages lists the uuids of the global messages, oldest first.
func (s *Server) AllGlobalMessages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for _, m := range s.state.messages {
		out = append(out, m.uuid)
	}
	return out
}
