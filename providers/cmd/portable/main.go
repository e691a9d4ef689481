// Command terraform-provider-portable is this project's own Terraform provider: what the backend needs
// from Terraform that no provider built here offers. See internal/portable.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"portable-backend/terraform-providers/internal/portable"
)

func main() {
	err := providerserver.Serve(context.Background(), portable.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/portable-backend/portable",
	})
	if err != nil {
		log.Fatal(err)
	}
}
