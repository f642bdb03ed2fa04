package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// serverFeature is what a resource needs of the server: a feature flag
// (without FEATURE_) that hides its endpoints when off, and the first Quay
// version that has them.
type serverFeature struct {
	what  string // for people: "auto-prune policies"
	flag  string // "AUTO_PRUNE"; empty when no flag hides the endpoints
	since [2]int // major, minor
}

// refuseUnserved adds a plan error, naming the flag or the version, when
// the server reports the feature off or is too old for it. A server whose
// /config could not be read answers for itself at apply.
func refuseUnserved(ic *quay.InstanceConfig, f serverFeature, diags *diag.Diagnostics) {
	if ic == nil {
		return
	}
	if ic.OlderThan(f.since[0], f.since[1]) {
		diags.AddError(fmt.Sprintf("This Quay has no %s", f.what),
			fmt.Sprintf("Quay serves %s since Quay %d.%d; this server reports %q. Upgrade Quay, or remove the resource from the configuration.", f.what, f.since[0], f.since[1], ic.VersionNumber))
		return
	}
	if f.flag != "" && ic.FeatureOff(f.flag) {
		diags.AddError(fmt.Sprintf("%s are turned off in this Quay", capitalize(f.what)),
			fmt.Sprintf("This Quay has FEATURE_%s turned off, which hides the %s endpoints. Set FEATURE_%s: true in Quay's configuration, or remove the resource from the configuration.", f.flag, f.what, f.flag))
	}
}
