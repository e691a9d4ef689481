import type { Decision, Kind } from "./policy";

/** One third-party component in the report. */
export interface Component {
  kind: Kind;
  name: string;
  version: string;
  /** The licence as found: an SPDX expression, the ids in the licence file(s), or Debian's names. */
  licence: string;
  /** Where the licence was read: `package.json license`, `LICENSE (licensecheck 100%)`, `copyright (DEP-5)`. */
  evidence: string;
  /** Where the component comes from: the node_modules path, the binaries it is compiled into, the images. */
  source: string[];
  decision: Decision;
  reason?: string;
  /** Decided by a human review in scripts/licenses/reviewed.yaml. */
  reviewed?: boolean;
}

/** A part that could not be looked at (not built yet): a warning outside CI, a failure in CI. */
export interface Missing {
  kind: Kind;
  what: string;
  /** `is not built`, `cannot be read: Docker is not reachable`. */
  why: string;
  fix: string;
}

export interface Collected {
  components: Component[];
  missing: Missing[];
}
