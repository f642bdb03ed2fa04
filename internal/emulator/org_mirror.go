package emulator

// Organization mirroring (quay-api.md §20; endpoints/api/org_mirror.py,
// data/model/org_mirror.py), behind FEATURE_ORG_MIRROR on Quay 3.17 and
// later. One configuration per organization, kept on the organization.

// orgMirror is an OrgMirrorConfig row.
type orgMirror struct {
	robot string // the robot's full name
}
