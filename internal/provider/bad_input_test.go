package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// badInput is one invalid configuration: block is the resource or data
// source block, attr the attribute at fault, want the expected message.
type badInput struct {
	name  string
	attr  string
	block string
	want  string
}

// badInputCorpus covers every attribute with a rule, of every resource and
// data source.
var badInputCorpus = []badInput{
	{"org name uppercase", "name", `resource "quay_organization" "x" { name = "Platform" }`, `must be a valid Quay organization name`},
	{"org name underscore start", "name", `resource "quay_organization" "x" { name = "_platform" }`, `must be a valid Quay organization name`},
	{"org name double separator", "name", `resource "quay_organization" "x" { name = "plat--form" }`, `must be a valid Quay organization name`},
	{"org name too short", "name", `resource "quay_organization" "x" { name = "p" }`, `string length must be between 2 and 255`},
	{"org name too long", "name", `resource "quay_organization" "x" { name = "` + strings.Repeat("a", 256) + `" }`, `string length must be between 2 and 255`},
	{"org name empty", "name", `resource "quay_organization" "x" { name = "" }`, `string length must be between 2 and 255`},
	{"org email malformed", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "platform.example.com"
}`, `must be an e-mail address`},
	{"org email two ats", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "a@b@example.com"
}`, `must be an e-mail address`},
	{"org email one label domain", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "ops@localhost"
}`, `must be an e-mail address`},
	{"org invoice address empty", "invoice_email_address", `resource "quay_organization" "x" {
  name                  = "platform"
  invoice_email_address = ""
}`, `string length must be at least 1`},
	{"org invoice address malformed", "invoice_email_address", `resource "quay_organization" "x" {
  name                  = "platform"
  invoice_email_address = "billing"
}`, `must be an e-mail address`},
	{"org tag expiration negative", "tag_expiration_s", `resource "quay_organization" "x" {
  name             = "platform"
  tag_expiration_s = -86400
}`, `value must be at least 0`},
	{"org tag expiration not an option", "tag_expiration_s", `resource "quay_organization" "x" {
  name             = "platform"
  tag_expiration_s = 3600
}`, `not one of this instance's TAG_EXPIRATION_OPTIONS`},
	{"org data source name", "name", `data "quay_organization" "x" { name = "Not Valid" }`, `must be a valid Quay organization name`},
	{"provider timeout zero", "request_timeout_seconds", `provider "quay" { request_timeout_seconds = 0 }
data "quay_organization" "x" { name = "platform" }`, `value must be between 1 and 3600`},
	{"provider retries negative", "max_retries", `provider "quay" { max_retries = -1 }
data "quay_organization" "x" { name = "platform" }`, `value must be between 0 and 20`},
}

// TestBadInputCorpus feeds every invalid value to a plan and checks that it
// fails there, with the expected message next to the attribute at fault,
// and that Quay saw no write at all. It uses its own emulator so that the
// write counter is not shared with other tests.
func TestBadInputCorpus(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	srv := httptest.NewServer(emu)
	defer srv.Close()
	t.Setenv("QUAY_URL", srv.URL)
	t.Setenv("QUAY_TOKEN", token)

	for _, tc := range badInputCorpus {
		t.Run(tc.name, func(t *testing.T) {
			want := regexp.QuoteMeta(tc.want)
			// The CLI prints the offending line ("attr = value") above the
			// message, or the framework names the attribute in it.
			pattern := fmt.Sprintf(`(?s)(%[1]s\s*=.*%[2]s|Attribute %[1]s .*%[2]s|%[2]s.*%[1]s)`, regexp.QuoteMeta(tc.attr), want)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.block,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(pattern),
				}},
			})
		})
	}
	for route, n := range emu.Counts() {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("bad input caused %d write request(s): %s", n, route)
		}
	}
}
