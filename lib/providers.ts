/**
 * Every Terraform provider the stacks use, pinned to the exact build the offline mirror holds.
 *
 * `npm run providers` builds each from its Go module into the mirror; the stacks pin `version`
 * exactly in `required_providers`, so `terraform init` can only pick the binary built here.
 * The versions are what this project's Go module proxy serves (see README "Provider versions"):
 * where the prebuilt cdktf bindings were generated for an older release, `bindings` says so and
 * the integration tests prove the synthesized configuration against the real provider.
 */
interface ProviderBuild {
  /** Registry address without host, e.g. `hashicorp/google`. */
  readonly source: string;
  /** The release this build is, as Terraform sees it (mirror directory and exact constraint). */
  readonly version: string;
  /** Package to build inside the module. */
  readonly goPackage: string;
  /** Where the TypeScript bindings come from. */
  readonly bindings: string;
}

/** A provider built from a released Go module, downloaded through the Go module proxy. */
export interface ModuleProvider extends ProviderBuild {
  /** Module path to download (the repository path the proxy serves it under). */
  readonly goModule: string;
  /** Module version: a tag, or a pseudo-version of the release commit where the tag is not a valid Go version. */
  readonly goVersion: string;
  /** `h1:` hash of the module zip, checked on every download (also where the checksum database lacks it). */
  readonly goSum: string;
  /**
   * Fixes carried on top of the release (paths from the project root, applied in order before the
   * build; each patch says what it fixes and why). The version label stays the release's.
   */
  readonly patches?: readonly string[];
}

/** The project's own provider: a Go module in this repository (its go.sum pins every dependency). */
export interface LocalProvider extends ProviderBuild {
  /** The module's folder, from the project root. */
  readonly localModule: string;
}

export type PinnedProvider = ModuleProvider | LocalProvider;

export const isLocalProvider = (p: PinnedProvider): p is LocalProvider => "localModule" in p;

export const PINNED_PROVIDERS = {
  google: {
    source: "hashicorp/google",
    version: "8.0.0",
    goModule: "github.com/hashicorp/terraform-provider-google",
    goVersion: "v1.20.1-0.20260828184646-f3721fb45fa3",
    goSum: "h1:2onI4HYzwHTtekjeWin7ZrO+v7S8TkFyTP+IaS2FcbQ=",
    goPackage: ".",
    bindings: "@cdktf/provider-google 16.12.1 (generated for 6.50.0)",
  },
  docker: {
    source: "kreuzwerker/docker",
    version: "4.6.0",
    goModule: "github.com/kreuzwerker/terraform-provider-docker",
    goVersion: "v0.0.0-20260916201441-96d331c98ff4",
    goSum: "h1:T3HvvZCRd4h2qkMl+SXA2zza26Rdz8xqV81skikQWy4=",
    goPackage: ".",
    bindings: "@cdktf/provider-docker 12.0.3 (generated for 3.6.2)",
    // 0001 and 0002 only remove waiting: every plan and apply of a Docker stack was ~2-4 s slower without
    // them. 0003: a replica that never gets healthy fails the release saying why, and is removed.
    patches: [
      "patches/terraform-provider-docker/0001-network-read-without-delay.patch",
      "patches/terraform-provider-docker/0002-health-wait-poll-250ms.patch",
      "patches/terraform-provider-docker/0003-unhealthy-container-described-and-removed.patch",
    ],
  },
  random: {
    source: "hashicorp/random",
    version: "3.9.0",
    goModule: "github.com/terraform-providers/terraform-provider-random",
    goVersion: "v1.3.2-0.20260513075824-f8d869dc98d9",
    goSum: "h1:RtH+AyIg8JVmGlCnemdp+wcfzC0EjVENjE34GdD4R7Q=",
    goPackage: ".",
    bindings: "@cdktf/provider-random 12.0.1 (generated for 3.7.2)",
  },
  hcloud: {
    source: "hetznercloud/hcloud",
    version: "1.60.1",
    goModule: "github.com/hetznercloud/terraform-provider-hcloud",
    goVersion: "v1.60.1",
    goSum: "h1:odWlbo+IFmoAL3ZStFUF9AbW4WzFCY8YQ3oF2E7EIos=",
    goPackage: ".",
    bindings: "cdktf get (.gen/providers/hcloud)",
  },
  portable: {
    // The project's own (providers/): the deployer's secrets, read from the environment at plan time.
    source: "portable-backend/portable",
    version: "0.1.0",
    localModule: "providers",
    goPackage: "./cmd/portable",
    bindings: "cdktf get (.gen/providers/portable)",
  },
  s3: {
    // The project's own (providers/): S3 buckets on Hetzner Object Storage (or any S3-compatible storage),
    // under the project's licence; the provider it replaces is under the AGPL.
    source: "portable-backend/s3",
    version: "0.1.0",
    localModule: "providers",
    goPackage: "./cmd/s3",
    bindings: "cdktf get (.gen/providers/s3)",
  },
} as const satisfies Record<string, PinnedProvider>;

export type PinnedProviderName = keyof typeof PINNED_PROVIDERS;
