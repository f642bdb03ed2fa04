package quay

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an answer from Quay outside the 2xx range.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Message is Quay's own explanation, taken from the first of detail,
	// error_message, message and error that is set (only the first line of
	// a schema-validation detail), else the raw body.
	Message string
	// ErrorType is the problem type ("invalid_request", "not_found", ...) when Quay sent one.
	ErrorType string
	// NotFound is set when this answer means the object does not exist,
	// whatever status Quay used to say so (see notFoundRules).
	NotFound bool
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// IsNotFound reports whether err says the object is gone.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.NotFound
}

// IsStatus reports whether err is an APIError with the given status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// ErrorMessage returns Quay's message for an APIError, or err's text.
func ErrorMessage(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return apiErr.Message
	}
	return err.Error()
}

// decodeErrorMessage pulls Quay's message out of any of its four error body
// shapes (quay-api.md §2.2): problem JSON, {"message"}, {"error"}, or HTML/text.
func decodeErrorMessage(body []byte) (message, errType string) {
	var shape struct {
		Detail       *string `json:"detail"`
		ErrorMessage *string `json:"error_message"`
		Message      *string `json:"message"`
		Error        *string `json:"error"`
		ErrorType    string  `json:"error_type"`
	}
	trimmed := strings.TrimSpace(string(body))
	if err := json.Unmarshal(body, &shape); err == nil {
		for _, candidate := range []*string{shape.Detail, shape.ErrorMessage, shape.Message, shape.Error} {
			if candidate != nil && strings.TrimSpace(*candidate) != "" {
				first, _, _ := strings.Cut(strings.TrimSpace(*candidate), "\n")
				return strings.TrimSpace(first), shape.ErrorType
			}
		}
		if shape.Detail != nil || shape.ErrorMessage != nil || shape.Message != nil || shape.Error != nil {
			// Quay sometimes answers {"message": ""}: keep the status text instead.
			return "", shape.ErrorType
		}
	}
	return htmlText(trimmed), ""
}

// htmlText reduces an HTML or text body to a short readable message.
func htmlText(body string) string {
	if !strings.Contains(body, "<") {
		return truncate(strings.Join(strings.Fields(body), " "), 300)
	}
	var b strings.Builder
	inTag := false
	for _, r := range body {
		switch {
		case r == '<':
			inTag = true
		case r == '>':
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return truncate(strings.Join(strings.Fields(b.String()), " "), 300)
}

// truncate shortens s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// notFoundRule says whether an error answer from one endpoint means the
// object does not exist. Quay often says so with a 400 (quay-api.md §20.4).
type notFoundRule func(status int, message string) bool

// status404 is the default: only a 404 means gone.
func status404(status int, _ string) bool { return status == http.StatusNotFound }

// statusOr400Containing treats a 404, or a 400 whose message contains text, as gone.
func statusOr400Containing(text string) notFoundRule {
	return func(status int, message string) bool {
		return status == http.StatusNotFound || (status == http.StatusBadRequest && strings.Contains(message, text))
	}
}

// robotNotFound: a missing robot, or (for a superuser with full access) a
// missing organization, which Quay answers 400 "Organization does not exist".
func robotNotFound(status int, message string) bool {
	return statusOr400Containing("Could not find robot")(status, message) || statusOr400Containing("Organization does not exist")(status, message)
}

// notFoundRules is the one place that knows, per endpoint, which answers
// mean "not found". Endpoints not listed use status404.
var notFoundRules = map[string]notFoundRule{
	"DeleteTeam":       statusOr400Containing("is not a team in org"),
	"RemoveTeamMember": statusOr400Containing("does not belong to team"),
	// Every robot call answers a missing robot 400 "Could not find robot
	// with specified username" (quay-api.md §12.2).
	"GetRobot":              robotNotFound,
	"DeleteRobot":           robotNotFound,
	"RegenerateRobotToken":  robotNotFound,
	"GetRobotPermissions":   robotNotFound,
	"GetRobotFederation":    robotNotFound,
	"SetRobotFederation":    robotNotFound,
	"DeleteRobotFederation": robotNotFound,
	// Quay answers 400 "User (or Team) does not have permission for repo."
	// when there is no such grant (quay-api.md §14.1).
	"GetRepositoryUserPermission":    statusOr400Containing("does not have permission for repo"),
	"GetRepositoryTeamPermission":    statusOr400Containing("does not have permission for repo"),
	"DeleteRepositoryUserPermission": statusOr400Containing("does not have permission for repo"),
	"DeleteRepositoryTeamPermission": statusOr400Containing("does not have permission for repo"),
	// A missing repository notification: 400 "No repository notification
	// found for: ..." on delete and reset, "... found with uuid" for one of
	// another repository (quay-api.md §18.1).
	"DeleteNotification":        statusOr400Containing("No repository notification found"),
	"ResetNotificationFailures": statusOr400Containing("No repository notification found"),
	// The superuser build log read answers a missing build 400
	// invalid_response "Unable to locate a build by id: <uuid>".
	"GetBuildLogsSuperuser": statusOr400Containing("Unable to locate a build by id"),
}

// IsAmbiguous reports whether a failed write may nevertheless have been
// applied by Quay: no answer arrived, or a 5xx came back.
func IsAmbiguous(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
