package main

import (
	"fmt"
	"strings"
)

// generate writes a realistic configuration of n resources: organizations,
// each with teams, users who are members, an OAuth application, a quota
// a repository with a team grant, a user grant, a robot with a grant, an
// auto-prune and an immutability policy and a notification, and a mirrored
// repository with its robot, in that proportion. With changed, every tenth resource gets an
// in-place update.
func generate(prefix string, n int, changed bool) string {
	var b strings.Builder
	count := 0
	add := func(block string) {
		if count < n {
			count++
			b.WriteString(block)
		}
	}
	// pick reports whether resource i is in the updated 10%.
	pick := func() bool { return changed && count%10 == 0 }
	for unit := 0; count < n; unit++ {
		org := fmt.Sprintf("%s-o%d", prefix, unit)
		exp := 1209600
		if pick() {
			exp = 604800
		}
		add(fmt.Sprintf("resource \"quay_organization\" \"o%d\" {\n  name             = %q\n  tag_expiration_s = %d\n}\n", unit, org, exp))
		for t := 0; t < 2; t++ {
			desc := "team"
			if pick() {
				desc = "team (updated)"
			}
			add(fmt.Sprintf("resource \"quay_team\" \"t%d_%d\" {\n  organization = quay_organization.o%d.name\n  name         = \"team%d\"\n  role         = \"member\"\n  description  = %q\n}\n", unit, t, unit, t, desc))
		}
		for u := 0; u < 2; u++ {
			email := fmt.Sprintf("%s-u%d@example.com", org, u)
			if pick() {
				email = fmt.Sprintf("%s-u%d-new@example.com", org, u)
			}
			add(fmt.Sprintf("resource \"quay_user\" \"u%d_%d\" {\n  username = \"%s-u%d\"\n  email    = %q\n}\n", unit, u, org, u, email))
			teams := fmt.Sprintf("quay_team.t%d_%d.name", unit, u)
			if pick() {
				teams = fmt.Sprintf("quay_team.t%d_0.name, quay_team.t%d_1.name", unit, unit)
			}
			add(fmt.Sprintf("resource \"quay_org_member\" \"m%d_%d\" {\n  organization = quay_organization.o%d.name\n  username     = quay_user.u%d_%d.username\n  teams        = [%s]\n}\n", unit, u, unit, unit, u, teams))
		}
		desc := "CI"
		if pick() {
			desc = "CI (updated)"
		}
		add(fmt.Sprintf("resource \"quay_oauth_application\" \"a%d\" {\n  organization = quay_organization.o%d.name\n  name         = \"ci\"\n  description  = %q\n}\n", unit, unit, desc))
		size := "10 GiB"
		if pick() {
			size = "20 GiB"
		}
		add(fmt.Sprintf("resource \"quay_quota\" \"q%d\" {\n  namespace = quay_organization.o%d.name\n  limit     = %q\n}\n", unit, unit, size))
		add(fmt.Sprintf("resource \"quay_repository\" \"r%d\" {\n  namespace = quay_organization.o%d.name\n  name      = \"app\"\n}\n", unit, unit))
		repo := fmt.Sprintf("\"${quay_repository.r%d.namespace}/${quay_repository.r%d.name}\"", unit, unit)
		role := "write"
		if pick() {
			role = "admin"
		}
		add(fmt.Sprintf("resource \"quay_repository_permission\" \"rt%d\" {\n  repository = %s\n  team       = quay_team.t%d_0.name\n  role       = %q\n}\n", unit, repo, unit, role))
		role = "read"
		if pick() {
			role = "write"
		}
		add(fmt.Sprintf("resource \"quay_repository_permission\" \"ru%d\" {\n  repository = %s\n  username   = quay_org_member.m%d_0.username\n  role       = %q\n}\n", unit, repo, unit, role))
		// A CI robot with write access; an update regenerates its token.
		version := 1
		if pick() {
			version = 2
		}
		add(fmt.Sprintf("resource \"quay_robot\" \"b%d\" {\n  namespace     = quay_organization.o%d.name\n  name          = \"ci\"\n  token_version = %d\n}\n", unit, unit, version))
		add(fmt.Sprintf("resource \"quay_repository_permission\" \"rb%d\" {\n  repository = %s\n  username   = quay_robot.b%d.full_name\n  role       = \"write\"\n}\n", unit, repo, unit))
		// Tag lifecycle: an auto-prune policy (its count changes on an
		// update), an immutability policy and a push notification.
		keep := 50
		if pick() {
			keep = 20
		}
		add(fmt.Sprintf("resource \"quay_auto_prune_policy\" \"p%d\" {\n  repository = %s\n  method     = \"number_of_tags\"\n  value      = \"%d\"\n}\n", unit, repo, keep))
		add(fmt.Sprintf("resource \"quay_immutability_policy\" \"i%d\" {\n  repository  = %s\n  tag_pattern = \"v[0-9]+\\\\..*\"\n}\n", unit, repo))
		add(fmt.Sprintf("resource \"quay_repository_notification\" \"n%d\" {\n  repository = %s\n  event      = \"repo_push\"\n  method     = \"webhook\"\n  config     = { url = \"https://hooks.example.com/%d\" }\n}\n", unit, repo, unit))
		// A mirror into a repository of its own, deleted before its robot.
		interval := 3600
		if pick() {
			interval = 7200
		}
		add(fmt.Sprintf("resource \"quay_robot\" \"mb%d\" {\n  namespace = quay_organization.o%d.name\n  name      = \"mirror\"\n}\n", unit, unit))
		add(fmt.Sprintf("resource \"quay_repository\" \"mr%d\" {\n  namespace  = quay_organization.o%d.name\n  name       = \"mirrored\"\n  depends_on = [quay_robot.mb%d]\n}\n", unit, unit, unit))
		add(fmt.Sprintf("resource \"quay_repository_mirror\" \"m%d\" {\n  repository         = \"${quay_repository.mr%d.namespace}/${quay_repository.mr%d.name}\"\n  external_reference = \"quay.io/bench/app\"\n  root_rule          = [\"v1.*\"]\n  robot_username     = quay_robot.mb%d.full_name\n  sync_interval      = %d\n}\n", unit, unit, unit, unit, interval))
	}
	return b.String()
}
