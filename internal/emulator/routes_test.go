package emulator

import "testing"

// TestRouteParameterNames: the discovery document and the request counters
// name routes as Quay registers them, parameter names included: the org
// quota paths use <orgname> (endpoints/api/namespacequota.py), the
// superuser ones <namespace> (endpoints/api/superuser.py).
func TestRouteParameterNames(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	paths, _ := e.call(t, "GET", "/api/v1/discovery", "", nil).field("paths").(map[string]any)
	for _, p := range []string{
		"/api/v1/organization/{orgname}/quota",
		"/api/v1/organization/{orgname}/quota/{quota_id}/limit/{limit_id}",
		"/api/v1/superuser/organization/{namespace}/quota",
		"/api/v1/superuser/users/{namespace}/quota/{quota_id}",
		"/api/v1/app/{client_id}",
		// endpoints/api/robot.py
		"/api/v1/organization/{orgname}/robots",
		"/api/v1/organization/{orgname}/robots/{robot_shortname}",
		"/api/v1/organization/{orgname}/robots/{robot_shortname}/regenerate",
		"/api/v1/organization/{orgname}/robots/{robot_shortname}/permissions",
		"/api/v1/organization/{orgname}/robots/{robot_shortname}/federation",
		"/api/v1/user/robots",
		"/api/v1/user/robots/{robot_shortname}",
		"/api/v1/user/robots/{robot_shortname}/regenerate",
		"/api/v1/user/robots/{robot_shortname}/permissions",
		"/api/v1/user/robots/{robot_shortname}/federation",
	} {
		if _, ok := paths[p]; !ok {
			t.Errorf("discovery lacks %s", p)
		}
	}
}
