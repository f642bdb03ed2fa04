package quay

import (
	"errors"
	"net/http"
	"strings"
)

// IsNameReserved reports whether a create of an organization or user was
// refused because the name still belongs to a deleted namespace that
// Quay's namespace garbage collector has not purged yet (quay-api.md §4.1,
// §8.1; Quay after 3.18.0). Quay checks for a live user or organization of
// that name first, so this answer also means that none exists.
func IsNameReserved(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest &&
		strings.EqualFold(strings.TrimSpace(apiErr.Message), "Username is not available")
}

// IsNameTaken reports whether a create of an organization or user was
// refused because a live user or organization already has the name.
func IsNameTaken(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return false
	}
	return containsFold(apiErr.Message, "A user or organization with this name already exists") ||
		containsFold(apiErr.Message, "has already been taken by")
}
