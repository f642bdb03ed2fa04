package inventory

import (
	"context"
	"fmt"
	"sort"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// Tag lifecycle, mirrors and global messages: the types of the policy,
// notification, mirror and message resources. Each is read with one list
// per namespace or repository, and only where the server serves it.

const (
	TypeAutoPrunePolicy        = "quay_auto_prune_policy"
	TypeImmutabilityPolicy     = "quay_immutability_policy"
	TypeRepositoryNotification = "quay_repository_notification"
	TypeNamespaceNotification  = "quay_namespace_notification"
	TypeRepositoryMirror       = "quay_repository_mirror"
	TypeGlobalMessage          = "quay_global_message"
)

func init() {
	fixedNotes[TypeRepositoryMirror] = []string{
		"Quay never returns the upstream password: if the mirror logs in to its upstream registry, add external_registry_password_wo and external_registry_password_wo_version (the next apply sends them).",
	}
}

// mirroredRepositoryNote: Quay sets a mirrored repository's state, which
// quay_repository refuses to set to MIRROR itself.
const mirroredRepositoryNote = "Quay put this repository in the MIRROR state for its mirror configuration (imported below); quay_repository cannot set that state, and follows Quay when state is unset. " +
	"In the generated resource, delete the line\n  state = \"MIRROR\""

// served says whether the server has a feature, which came with Quay
// 3.<minor> (flag off or version too old means no); an unreadable /config
// counts as served.
func (w *walker) served(flag string, minor int) bool {
	return !w.cfg.FeatureOff(flag) && !w.cfg.OlderThan(3, minor)
}

// policies lists a target's auto-prune and immutability policies.
func (w *walker) policies(ctx context.Context, t quay.PolicyTarget, label string, name []string) ([]Object, error) {
	var out []Object
	if w.served("AUTO_PRUNE", 10) {
		list, err := w.c.ListAutoPrunePolicies(ctx, t)
		if err != nil && !w.skippable(err, "the auto-prune policies of "+label) {
			return nil, fmt.Errorf("listing the auto-prune policies of %q: %w", label, err)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
		for _, p := range list {
			out = append(out, Object{
				Type: TypeAutoPrunePolicy, ImportID: label + "/" + p.UUID, Identity: map[string]string{"target": label, "uuid": p.UUID},
				Name: append(append([]string{}, name...), "prune", p.Method, p.ValueString()),
			})
		}
	}
	if !t.User && w.served("IMMUTABLE_TAGS", 17) {
		list, err := w.c.ListImmutabilityPolicies(ctx, t)
		if err != nil && !w.skippable(err, "the immutability policies of "+label) {
			return nil, fmt.Errorf("listing the immutability policies of %q: %w", label, err)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
		for _, p := range list {
			out = append(out, Object{
				Type: TypeImmutabilityPolicy, ImportID: label + "/" + p.UUID, Identity: map[string]string{"target": label, "uuid": p.UUID},
				Name: append(append([]string{}, name...), "immutable", p.TagPattern),
			})
		}
	}
	return out, nil
}

// namespaceLifecycle lists an organization's policies and quota
// notifications.
func (w *walker) namespaceLifecycle(ctx context.Context, org string) ([]Object, error) {
	out, err := w.policies(ctx, quay.PolicyTarget{Namespace: org}, org, []string{org})
	if err != nil || !w.served("QUOTA_NOTIFICATIONS", 18) {
		return out, err
	}
	list, err := w.c.ListNamespaceNotifications(ctx, quay.NotificationOwner{Namespace: org})
	if err != nil && !w.skippable(err, "the quota notifications of "+org) {
		return nil, fmt.Errorf("listing the quota notifications of %q: %w", org, err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
	for _, n := range list {
		out = append(out, Object{
			Type: TypeNamespaceNotification, ImportID: org + "/" + n.UUID, Identity: map[string]string{"namespace": org, "uuid": n.UUID},
			Name: []string{org, n.Event, n.Method},
		})
	}
	return out, nil
}

// repositoryLifecycle lists a repository's policies, notifications and
// mirror configuration.
func (w *walker) repositoryLifecycle(ctx context.Context, ns, repo string) ([]Object, error) {
	full := ns + "/" + repo
	out, err := w.policies(ctx, quay.PolicyTarget{Namespace: ns, Repository: repo}, full, []string{ns, repo})
	if err != nil {
		return nil, err
	}
	notes, err := w.c.ListNotifications(ctx, ns, repo)
	if err != nil && !w.skippable(err, "the notifications of "+full) {
		return nil, fmt.Errorf("listing the notifications of %q: %w", full, err)
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].UUID < notes[j].UUID })
	for _, n := range notes {
		o := Object{
			Type: TypeRepositoryNotification, ImportID: full + "/" + n.UUID, Identity: map[string]string{"repository": full, "uuid": n.UUID},
			Name: []string{ns, repo, n.Event, n.Method},
		}
		for _, key := range []string{"url", "flow_api_token", "notification_token"} {
			if _, ok := n.Config[key]; ok {
				o.Notes = append(o.Notes, fmt.Sprintf("Terraform leaves sensitive values out of generated configuration: in the generated resource, fill in config.%s "+
					"with the notification's value (Quay shows it in GET /api/v1/repository/%s/notification/%s).", key, full, n.UUID))
			}
		}
		out = append(out, o)
	}
	if w.served("REPO_MIRROR", 0) {
		m, err := w.c.GetMirror(ctx, ns, repo)
		switch {
		case err == nil && m.IsEnabled:
			out = append(out, Object{
				Type: TypeRepositoryMirror, ImportID: full, Identity: map[string]string{"repository": full},
				Name: []string{ns, repo, "mirror"}, Notes: fixedNotes[TypeRepositoryMirror],
			})
		case err == nil || quay.IsNotFound(err): // none, or disabled (what a destroy leaves)
		case w.skippable(err, "the mirror of "+full):
		default:
			return nil, fmt.Errorf("reading the mirror of %q: %w", full, err)
		}
	}
	return out, nil
}

// globalMessages lists the UI banners.
func (w *walker) globalMessages(ctx context.Context) ([]Object, error) {
	list, err := w.c.ListGlobalMessages(ctx)
	if err != nil {
		if w.skippable(err, "the global messages") {
			return nil, nil
		}
		return nil, fmt.Errorf("listing the global messages: %w", err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
	var out []Object
	for _, m := range list {
		out = append(out, Object{
			Type: TypeGlobalMessage, ImportID: m.UUID, Identity: map[string]string{"uuid": m.UUID},
			Name: []string{"message", m.Severity},
		})
	}
	return out, nil
}
