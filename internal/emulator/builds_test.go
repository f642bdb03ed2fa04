package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// TestRepositoryBuilds: a build requested through RepositoryBuildList.post
// (endpoints/api/build.py) is answered 201 with build_status_view and a
// Location, and stays queued (phase "waiting") with no worker; the
// superuser reads (SuperUserRepositoryBuildResource, ...Status, ...Logs in
// endpoints/api/superuser.py) show it, a missing build is 404 on /build and
// 400 invalid_response on /status and /logs, and non-superusers are refused.
func TestRepositoryBuilds(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	if a := e.call(t, "POST", "/api/v1/organization/", e.alice, map[string]any{"name": "acme"}); a.status != 201 {
		t.Fatalf("org: %d %s", a.status, a.raw)
	}
	if a := e.call(t, "POST", "/api/v1/repository", e.alice, map[string]any{"namespace": "acme", "repository": "app", "visibility": "private", "description": ""}); a.status != 201 {
		t.Fatalf("repo: %d %s", a.status, a.raw)
	}
	path := "/api/v1/repository/acme/app/build/"
	expectProblem(t, e.call(t, "POST", path, e.alice, map[string]any{}), 400, "invalid_request", "file_id or archive_url required")
	expectProblem(t, e.call(t, "POST", path, e.alice, map[string]any{"archive_url": "ftp://example.com/a.tgz"}), 400, "invalid_request", "Invalid Archive URL: Must be http or https")
	expectProblem(t, e.call(t, "POST", path, e.alice, map[string]any{"file_id": "nope"}), 400, "invalid_request", "File nope could not be found or is invalid")
	expectProblem(t, e.call(t, "POST", path, e.bob, map[string]any{"archive_url": "https://example.com/a.tgz"}), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", "/api/v1/repository/acme/nothing/build/", e.admin, map[string]any{"archive_url": "https://example.com/a.tgz"}), 404, "not_found", "Not Found")

	a := e.call(t, "POST", path, e.alice, map[string]any{"archive_url": "https://example.com/a.tgz", "subdirectory": "web", "docker_tags": []string{"v1", "v2"}})
	if a.status != 201 {
		t.Fatalf("build: %d %s", a.status, a.raw)
	}
	id, _ := a.field("id").(string)
	if !strings.HasSuffix(a.header.Get("Location"), "/api/v1/repository/acme/app/build/"+id+"/status") {
		t.Errorf("Location = %q", a.header.Get("Location"))
	}
	for k, want := range map[string]string{
		"phase": "waiting", "subdirectory": "web/Dockerfile", "dockerfile_path": "web/Dockerfile", "context": "web",
		"tags": "[v1 v2]", "manual_user": "alice", "is_writer": "true", "archive_url": "https://example.com/a.tgz",
		"repository": "map[name:app namespace:acme]", "status": "map[]", "error": "<nil>", "trigger": "<nil>",
		"resource_key": "<nil>", "pull_robot": "<nil>", "trigger_metadata": "map[]",
		// sha224("https://example.com/a.tgz")[:7]
		"display_name": "a9a76eb",
	} {
		if got := fmt.Sprint(a.field(k)); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if got := e.srv.UsageLogs("acme"); got[len(got)-1] != "build_dockerfile" {
		t.Errorf("logs = %v", got)
	}

	// The superuser reads. admin has no permission on the repository, so
	// is_writer is false and archive_url is left out, as to_dict does.
	view := e.call(t, "GET", "/api/v1/superuser/"+id+"/build", e.admin, nil)
	if view.status != 200 || view.field("id") != id || view.field("phase") != "waiting" || view.field("is_writer") != false || view.field("archive_url") != nil || view.field("trigger_metadata") != nil {
		t.Fatalf("superuser build: %d %s", view.status, view.raw)
	}
	if st := e.call(t, "GET", "/api/v1/superuser/"+id+"/status", e.admin, nil); st.raw != view.raw {
		t.Errorf("status %s differs from build %s", st.raw, view.raw)
	}
	if lg := e.call(t, "GET", "/api/v1/superuser/"+id+"/logs", e.admin, nil); lg.raw != `{"logs":[],"start":0,"total":0}`+"\n" {
		t.Errorf("logs: %s", lg.raw)
	}
	e.srv.AddBuildLog(id, map[string]any{"message": "one", "type": "phase", "data": map[string]any{}}, map[string]any{"message": "two"})
	if lg := e.call(t, "GET", "/api/v1/superuser/"+id+"/logs?start=1", e.admin, nil); fmt.Sprint(lg.body) != "map[logs:[map[message:two]] start:1 total:2]" {
		t.Errorf("logs from 1: %s", lg.raw)
	}
	e.srv.ArchiveBuildLogs(id)
	if lg := e.call(t, "GET", "/api/v1/superuser/"+id+"/logs", e.admin, nil); lg.field("logs_url") == nil || lg.field("logs") != nil {
		t.Errorf("archived logs: %s", lg.raw)
	}

	missing := "00000000-0000-4000-8000-000000000000"
	expectProblem(t, e.call(t, "GET", "/api/v1/superuser/"+missing+"/build", e.admin, nil), 404, "not_found", "Not Found")
	expectProblem(t, e.call(t, "GET", "/api/v1/superuser/"+missing+"/status", e.admin, nil), 400, "invalid_response", "Unable to locate a build by id: "+missing)
	expectProblem(t, e.call(t, "GET", "/api/v1/superuser/"+missing+"/logs", e.admin, nil), 400, "invalid_response", "Unable to locate a build by id: "+missing)
	for _, p := range []string{"/build", "/status", "/logs"} {
		expectProblem(t, e.call(t, "GET", "/api/v1/superuser/"+id+p, e.alice, nil), 403, "insufficient_scope", "Unauthorized")
	}

	// Builds go with their repository.
	if a := e.call(t, "DELETE", "/api/v1/repository/acme/app", e.alice, nil); a.status != 204 {
		t.Fatalf("delete repo: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "GET", "/api/v1/superuser/"+id+"/build", e.admin, nil), 404, "not_found", "Not Found")
}
