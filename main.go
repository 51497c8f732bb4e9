// Command terraform-provider-nutanixdr is the Terraform and OpenTofu provider
// for Nutanix disaster recovery.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// address is the provider's registry address.
const address = "registry.terraform.io/nutanixdr/nutanixdr"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address: address,
		Debug:   debug,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err)
	}
}
