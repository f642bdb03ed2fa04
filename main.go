package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/quaytf/terraform-provider-quay/internal/provider"
)

// version is stamped by goreleaser; local builds say "dev".
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietUnreadLogs()
	collectGarbageLessOften()

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/quaytf/quay", provider.NewServer(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// logEnvVars are the settings under which Terraform or a test harness
// reads a provider's log lines.
var logEnvVars = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_QUAY"}

// quietUnreadLogs turns the SDK loggers off when nobody asked for logs.
// Without a level they log everything at TRACE and Terraform throws the
// lines away, which costs the provider about a quarter of its CPU time
// (measured with make bench at 1000 resources).
func quietUnreadLogs() {
	for _, name := range logEnvVars {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "OFF")
	}
}

// collectGarbageLessOften raises the collector's target from 100% to 400%
// unless GOGC is set. The provider keeps almost nothing between calls (a
// few MiB), so at the default it collects hundreds of times a run; at 400 it
// used a quarter less CPU and peaked at about 45 MiB instead of 30 (make
// bench, N=1000).
func collectGarbageLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
