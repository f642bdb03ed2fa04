package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/quaytf/terraform-provider-quay/internal/provider"
)

// version is stamped by goreleaser; local builds say "dev".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/quaytf/quay",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
