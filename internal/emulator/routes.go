package emulator

// buildRoutes registers every emulated endpoint with Quay's exact paths.
// Endpoints behind a feature flag are registered only when it is on, so a
// call to them falls through to the HTML catch-all, as in Quay.
func (s *Server) buildRoutes() *router {
	rt := newRouter()
	f := s.cfg.Features

	rt.handle("GET", "/config", s.getConfig)
	rt.handle("GET", "/api/v1/discovery", s.getDiscovery).anon = true
	rt.handle("GET", "/api/v1/user/", s.getSelf).anon = true
	rt.handle("GET", "/api/v1/users/{username}", s.getPublicUser)
	// A web route that exists with the flag off too: it then aborts 404
	// (endpoints/web.py, route_show_if).
	rt.handleWeb("POST", "/api/v1/user/initialize", s.initializeUser)
	rt.handle("GET", "/api/v1/app/{client_id}", s.getApplicationInformation)

	rt.handle("POST", "/api/v1/organization/", s.createOrganization)
	rt.handle("GET", "/api/v1/organization/{orgname}", s.getOrganization)
	rt.handle("PUT", "/api/v1/organization/{orgname}", s.updateOrganization)
	rt.handle("DELETE", "/api/v1/organization/{orgname}", s.deleteOrganization)

	rt.handle("GET", "/api/v1/organization/{orgname}/members", s.listOrgMembers)
	rt.handle("GET", "/api/v1/organization/{orgname}/members/{membername}", s.getOrgMember)
	rt.handle("DELETE", "/api/v1/organization/{orgname}/members/{membername}", s.removeOrgMember)
	rt.handle("PUT", "/api/v1/organization/{orgname}/team/{teamname}", s.upsertTeam)
	rt.handle("DELETE", "/api/v1/organization/{orgname}/team/{teamname}", s.deleteTeam)
	rt.handle("GET", "/api/v1/organization/{orgname}/team/{teamname}/members", s.listTeamMembers)
	rt.handle("PUT", "/api/v1/organization/{orgname}/team/{teamname}/members/{membername}", s.addTeamMember)
	rt.handle("DELETE", "/api/v1/organization/{orgname}/team/{teamname}/members/{membername}", s.removeTeamMember)
	s.registerTeamSyncRoutes(rt)
	if f.Mailing {
		rt.handle("PUT", "/api/v1/organization/{orgname}/team/{teamname}/invite/{email}", s.inviteEmail)
		rt.handle("DELETE", "/api/v1/organization/{orgname}/team/{teamname}/invite/{email}", s.deleteEmailInvite)
	}

	s.registerPrototypeRoutes(rt)
	s.registerRobotRoutes(rt)

	rt.handle("GET", "/api/v1/organization/{orgname}/applications", s.listApplications)
	rt.handle("POST", "/api/v1/organization/{orgname}/applications", s.createApplication)
	rt.handle("GET", "/api/v1/organization/{orgname}/applications/{client_id}", s.getApplication)
	rt.handle("PUT", "/api/v1/organization/{orgname}/applications/{client_id}", s.updateApplication)
	rt.handle("DELETE", "/api/v1/organization/{orgname}/applications/{client_id}", s.deleteApplication)
	rt.handle("POST", "/api/v1/organization/{orgname}/applications/{client_id}/resetclientsecret", s.resetClientSecret)

	s.registerOrgMirrorRoutes(rt)
	if f.ProxyCache {
		rt.handle("GET", "/api/v1/organization/{orgname}/proxycache", s.getProxyCache)
		rt.handle("POST", "/api/v1/organization/{orgname}/proxycache", s.createProxyCache)
		rt.handle("DELETE", "/api/v1/organization/{orgname}/proxycache", s.deleteProxyCache)
		rt.handle("POST", "/api/v1/organization/{orgname}/validateproxycache", s.validateProxyCache)
	}

	if f.SuperUsers {
		rt.handle("GET", "/api/v1/superuser/users/", s.listUsers)
		rt.handle("POST", "/api/v1/superuser/users/", s.createUser)
		rt.handle("GET", "/api/v1/superuser/users/{username}", s.getUser)
		rt.handle("PUT", "/api/v1/superuser/users/{username}", s.updateUser)
		rt.handle("DELETE", "/api/v1/superuser/users/{username}", s.deleteUser)
	}

	s.registerRepositoryRoutes(rt)
	s.registerMirrorRoutes(rt)
	s.registerTagRoutes(rt)
	s.registerAutoPruneRoutes(rt)
	s.registerImmutabilityRoutes(rt)
	s.registerNotificationRoutes(rt)
	s.registerPermissionRoutes(rt)
	s.registerRegistryRoutes(rt)
	s.registerBuildRoutes(rt)

	s.registerLogRoutes(rt)
	s.registerGlobalMessageRoutes(rt)

	if s.quotaEnabled() && f.SuperUsers {
		s.registerQuotaRoutes(rt)
	}
	if f.SuperUsers {
		s.registerServiceKeyRoutes(rt)
		s.registerSuperuserRoutes(rt)
		s.registerSuperuserLogRoutes(rt)
		s.registerSuperuserBuildRoutes(rt)
	}

	return rt
}
