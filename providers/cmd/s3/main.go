// Command terraform-provider-s3 manages buckets on any S3-compatible object storage (Hetzner Object
// Storage, the Docker target's store): this project's own, under its licence, instead of a provider
// under the AGPL. See internal/s3.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"portable-backend/terraform-providers/internal/s3"
)

func main() {
	err := providerserver.Serve(context.Background(), s3.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/portable-backend/s3",
	})
	if err != nil {
		log.Fatal(err)
	}
}
