/**
 * `npm run licenses`: the policy (which licences are allowed, refused or unknown), the classification
 * of licence texts by the project's licensecheck tool (tools/licenses, built into the cache on first
 * use), and the npm collector on a node_modules made here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImages } from "../../images/catalog";
import { countByLicence, loadReviews } from "../../scripts/licenses";
import { ResultCache } from "../../scripts/licenses/cache";
import { buildClassifier, Classifier } from "../../scripts/licenses/classifier";
import { DEBIAN_IMAGES } from "../../scripts/licenses/debian";
import { findingOf, licenceFilesDeep } from "../../scripts/licenses/files";
import { IMAGE_GO_BINARIES } from "../../scripts/licenses/go";
import { collectNpm, manifestExpr } from "../../scripts/licenses/npm";
import {
  applyReview, debianToSpdx, decideDebian, decideExpr, decideId, decideTexts, parseDep5, parseSpdx, type TextScan,
} from "../../scripts/licenses/policy";

const MIT = `MIT License

Copyright (c) 2024 Example Author

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

const APACHE = `Copyright 2024 Example Author

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
`;

const AGPL = `Copyright (C) 2024 Example Author

This program is free software: you can redistribute it and/or modify
it under the terms of the GNU Affero General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.

This program is distributed in the hope that it will be useful,
but WITHOUT ANY WARRANTY; without even the implied warranty of
MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
GNU Affero General Public License for more details.

You should have received a copy of the GNU Affero General Public License
along with this program.  If not, see <https://www.gnu.org/licenses/>.
`;

const CUSTOM = `Copyright 2024 Example Corp. You may run this software on Tuesdays only, and never in production.`;

const made: string[] = [];
const tmp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const scan = (id: string | undefined, percent = 100): TextScan => ({ percent, matches: id ? [{ id, start: 0, end: 10 }] : [] });

describe("licence ids and SPDX expressions", () => {
  test("AGPL and SSPL are refused in any version or spelling", () => {
    for (const id of ["AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "AGPL-1.0", "AGPL-3+", "SSPL-1.0", "sspl-1.0"]) {
      expect(decideId(id)).toMatchObject({ decision: "refused", reason: expect.stringContaining(id) });
    }
    expect(decideExpr(parseSpdx("SSPL-1.0")!)).toMatchObject({ decision: "refused" });
    expect(decideExpr(parseSpdx("MIT AND AGPL-3.0-only")!).decision).toBe("refused");
    expect(decideExpr(parseSpdx("AGPL-3.0-only WITH Classpath-exception-2.0")!).decision).toBe("refused");
  });

  test("permissive and non-network copyleft licences are allowed", () => {
    for (const id of ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "MPL-2.0", "LGPL-2.1-or-later", "GPL-3.0-only", "Unlicense", "CC0-1.0", "Python-2.0", "BlueOak-1.0.0", "0BSD"]) {
      expect(decideId(id).decision).toBe("allowed");
    }
  });

  test("an unknown or source-available licence is unknown; BUSL only for the Terraform engine", () => {
    expect(decideId("Elastic-2.0")).toMatchObject({ decision: "unknown", reason: expect.stringContaining("Elastic-2.0") });
    expect(decideId("CommonsClause").decision).toBe("unknown");
    expect(decideId("BUSL-1.1").decision).toBe("unknown");
    expect(decideId("BUSL-1.1", { allowBusl: true }).decision).toBe("allowed");
  });

  test("OR takes an allowed choice; AND needs every part", () => {
    expect(decideExpr(parseSpdx("(MIT OR GPL-3.0-or-later)")!).decision).toBe("allowed");
    expect(decideExpr(parseSpdx("MIT OR AGPL-3.0-only")!).decision).toBe("allowed");
    expect(decideExpr(parseSpdx("Apache-2.0 AND MIT")!).decision).toBe("allowed");
    expect(decideExpr(parseSpdx("Apache-2.0 AND Foo-1.0")!).decision).toBe("unknown");
    expect(decideExpr(parseSpdx("(BSD-2-Clause OR MIT) AND (Apache-2.0 OR SSPL-1.0)")!).decision).toBe("allowed");
  });

  test("what is not an SPDX expression is not parsed as one", () => {
    expect(parseSpdx("Public Domain")).toBeUndefined();
    expect(parseSpdx("SEE LICENSE IN LICENSE.md")).toBeUndefined();
    expect(parseSpdx("(MIT OR")).toBeUndefined();
    expect(parseSpdx("")).toBeUndefined();
    expect(manifestExpr([{ type: "MIT" }, { type: "Apache-2.0" }])?.text).toBe("(MIT) OR (Apache-2.0)");
    expect(manifestExpr({ type: "BSD-3-Clause", url: "x" })?.expr).toEqual({ op: "id", id: "BSD-3-Clause" });
  });
});

describe("licence files", () => {
  test("classified files decide: refused wins, too little coverage or no licence is unknown", () => {
    expect(decideTexts([{ file: "LICENSE", scan: scan("MIT", 99) }]).decision).toBe("allowed");
    expect(decideTexts([{ file: "LICENSE", scan: scan("MIT") }, { file: "vendor/x/LICENSE", scan: scan("AGPL-3.0", 40) }])).toMatchObject({
      decision: "refused", reason: expect.stringContaining("vendor/x/LICENSE: AGPL-3.0"),
    });
    expect(decideTexts([{ file: "LICENSE", scan: { ...scan("MIT", 60), uncovered: "and no commercial use" } }])).toMatchObject({
      decision: "unknown", reason: expect.stringMatching(/only 60% of it is MIT.*no commercial use/),
    });
    expect(decideTexts([])).toMatchObject({ decision: "unknown", reason: "no licence file found" });
  });

  test("a COPYRIGHT file of notices only does not make a licensed module unknown", () => {
    const f = findingOf([{ file: "COPYRIGHT", scan: scan(undefined, 0) }, { file: "LICENSE", scan: scan("BSD-3-Clause") }]);
    expect(f.verdict.decision).toBe("allowed");
    expect(f.evidence).toContain("COPYRIGHT (copyright notices only)");
    expect(findingOf([{ file: "COPYRIGHT", scan: scan(undefined, 0) }]).verdict.decision).toBe("unknown");
  });

  test("a Go module's licence files: the root's and those beside Go code, not beside assets or test data", () => {
    const dir = tmp("licences-");
    const put = (path: string, text = "x") => {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    put("LICENSE");
    put("main.go");
    put("internal/snappy/LICENSE.txt");
    put("internal/snappy/snappy.go");
    put("assets/LICENSE.md");
    put("assets/logo.svg");
    put("testdata/LICENSE");
    put("testdata/x.go");
    put("docs/license_manager.html.markdown");
    expect(licenceFilesDeep(dir)).toEqual(["LICENSE", "internal/snappy/LICENSE.txt"]);
  });
});

describe("Debian copyright files", () => {
  const dep5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example

Files: *
Copyright: 2020 Someone
License: GPL-2+ or Artistic, and BSD-3-clause

Files: server/*
License: AGPL-3+ with OpenSSL exception

License: GPL-2+
 This program is free software.
`;

  test("the License: fields' short names are read, expressions split", () => {
    expect(parseDep5(dep5)).toEqual({ machineReadable: true, names: ["GPL-2+", "Artistic", "BSD-3-clause", "AGPL-3+"] });
    expect(parseDep5("This package was debianized by someone.\nLicense: GPL\n").machineReadable).toBe(false);
  });

  test("only AGPL/SSPL refuse a Debian package; a file that names nothing is unknown", () => {
    expect(decideDebian(["GPL-2+", "Artistic", "permissive", "BSD-3-clause-GENERIC"], []).decision).toBe("allowed");
    expect(decideDebian(parseDep5(dep5).names, [])).toMatchObject({ decision: "refused", reason: expect.stringContaining("AGPL-3+") });
    expect(decideDebian(["GPL-2+"], ["SSPL-1.0"]).decision).toBe("refused");
    expect(decideDebian([], []).decision).toBe("unknown");
    expect(debianToSpdx("GPL-2+")).toBe("GPL-2.0-or-later");
    expect(debianToSpdx("LGPL-2.1")).toBe("LGPL-2.1-only");
    expect(debianToSpdx("Expat")).toBe("MIT");
  });
});

describe("reviews", () => {
  test("a review settles an unknown, never a refusal, and a reviewed AGPL is still refused", () => {
    const review = { kind: "npm" as const, name: "x", version: "1.0.0", licence: "MIT", why: "LICENSE is MIT with a preamble" };
    expect(applyReview({ decision: "unknown" }, review)).toMatchObject({ decision: "allowed", reviewed: true });
    expect(applyReview({ decision: "refused", reason: "AGPL" }, review).decision).toBe("refused");
    expect(applyReview({ decision: "unknown" }, { ...review, licence: "AGPL-3.0-only" }).decision).toBe("refused");
    expect(applyReview({ decision: "unknown" }, undefined).decision).toBe("unknown");
  });

  test("the project's reviews file is valid and every entry says why", () => {
    for (const r of loadReviews()) expect(r.why.length).toBeGreaterThan(20);
  });

  test("components under several licences count under each; a choice counts once", () => {
    const c = (licence: string) => ({ kind: "go-module" as const, name: "m", version: "v1", licence, evidence: "", source: [], decision: "allowed" as const });
    expect(countByLicence([c("Apache-2.0 AND MIT"), c("MIT"), c("(MIT OR CC0-1.0)")])).toEqual({ "go-module": { "Apache-2.0": 1, MIT: 2, "(MIT OR CC0-1.0)": 1 } });
  });
});

test("every local image is covered: Debian packages or Go binaries", () => {
  const covered = new Set<string>([...DEBIAN_IMAGES, ...Object.keys(IMAGE_GO_BINARIES)]);
  expect(Object.keys(localImages).filter((i) => !covered.has(i))).toEqual([]);
});

describe("with the licensecheck classifier (tools/licenses)", () => {
  let classifier: Classifier;
  beforeAll(async () => {
    const version = await buildClassifier();
    classifier = new Classifier(new ResultCache(join(tmp("licences-cache-"), "cache.json"), version));
  }, 300_000);

  test("an AGPL text is refused, MIT and Apache texts allowed, an unknown text reported with what was not recognised", async () => {
    const [agpl, mit, apache, custom] = await classifier.scan([AGPL, MIT, APACHE, CUSTOM]);
    expect(decideTexts([{ file: "LICENSE", scan: agpl }])).toMatchObject({ decision: "refused", reason: expect.stringContaining("AGPL-3.0") });
    expect(mit.matches.map((m) => m.id)).toEqual(["MIT"]);
    expect(decideTexts([{ file: "LICENSE", scan: mit }]).decision).toBe("allowed");
    expect(apache.matches.map((m) => m.id)).toEqual(["Apache-2.0"]);
    expect(decideTexts([{ file: "LICENSE", scan: apache }]).decision).toBe("allowed");
    expect(decideTexts([{ file: "LICENSE", scan: custom }])).toMatchObject({
      decision: "unknown", reason: expect.stringMatching(/LICENSE: no known licence in it.*Tuesdays only/),
    });
  });

  test("npm packages: package.json's licence, else the licence file, naming the package and where it is", async () => {
    const root = tmp("licences-npm-");
    const pkg = (dir: string, manifest: object, files: Record<string, string> = {}) => {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, "package.json"), JSON.stringify(manifest));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(root, dir, name), text);
    };
    pkg("node_modules/plain", { name: "plain", version: "1.0.0", license: "MIT" });
    pkg("node_modules/@scope/server", { name: "@scope/server", version: "2.0.0" }, { LICENSE: AGPL });
    pkg("node_modules/plain/node_modules/nested", { name: "nested", version: "0.1.0", license: "SSPL-1.0" });
    pkg("node_modules/oldstyle", { name: "oldstyle", version: "0.0.1", licenses: [{ type: "Apache-2.0", url: "x" }] });
    pkg("node_modules/custom", { name: "custom", version: "3.0.0", license: "SEE LICENSE IN EULA.txt" }, { "EULA.txt": CUSTOM });
    pkg("node_modules/said", { name: "said", version: "1.0.0", license: "Apache 2.0" }, { "LICENSE.txt": APACHE });

    const { components } = await collectNpm(classifier, join(root, "node_modules"));
    const byName = Object.fromEntries(components.map((c) => [c.name, c]));
    expect(byName.plain).toMatchObject({ decision: "allowed", licence: "MIT", evidence: "package.json license" });
    expect(byName["@scope/server"]).toMatchObject({ decision: "refused", licence: "AGPL-3.0-or-later" });
    expect(byName["@scope/server"].source[0]).toMatch(/node_modules\/@scope\/server$/);
    expect(byName.nested).toMatchObject({ decision: "refused", licence: "SSPL-1.0" });
    expect(byName.oldstyle).toMatchObject({ decision: "allowed", licence: "Apache-2.0" });
    expect(byName.custom).toMatchObject({ decision: "unknown", reason: expect.stringContaining("EULA.txt") });
    expect(byName.said).toMatchObject({ decision: "allowed", licence: "Apache-2.0", evidence: expect.stringContaining('package.json says "Apache 2.0"') });
  });
});
