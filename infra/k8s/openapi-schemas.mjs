// Writes kubeconform JSON schemas from a live API server's OpenAPI v3 documents, one file per
// kind: <dir>/<kind>_<group>_<version>.json (kind lowercased; the group of core kinds is "v1").
// The schemas are exactly what that server (with any CRDs installed) accepts; objects are made
// strict (no unknown fields) unless the API says they preserve unknown fields.
//
//   node openapi-schemas.mjs <api-url> <bearer-token> <out-dir>
// Uses curl for the requests (the API server's certificate is self-signed for this run).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [api, token, out] = process.argv.slice(2);
if (!api || !token || !out) {
  process.stderr.write("usage: openapi-schemas.mjs <api-url> <bearer-token> <out-dir>\n");
  process.exit(2);
}
// A group's document URL carries a hash of its content; when a CRD's schema is republished between
// reading the index and the document, the API server answers the stale hash with a 301 to the new
// one (an empty body), so curl follows redirects (-L).
function get(path) {
  const body = execFileSync("curl", ["-fsSkL", "-H", `Authorization: Bearer ${token}`, `${api}${path}`], {
    maxBuffer: 512 * 1024 * 1024,
  }).toString("utf8");
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new Error(`${api}${path} answered no JSON document (${error.message}): ${body.slice(0, 200)}`);
  }
}

// Unknown fields are errors, as with `kubectl apply --validate=strict`.
function strict(node) {
  if (Array.isArray(node)) return node.forEach(strict);
  if (!node || typeof node !== "object") return;
  if (
    node.properties &&
    node.additionalProperties === undefined &&
    !node["x-kubernetes-preserve-unknown-fields"]
  )
    node.additionalProperties = false;
  for (const value of Object.values(node)) strict(value);
}

mkdirSync(out, { recursive: true });
let written = 0;
for (const [path, { serverRelativeURL }] of Object.entries(get("/openapi/v3").paths)) {
  if (!/^(api\/v1|apis\/[^/]+\/[^/]+)$/.test(path)) continue;
  const doc = get(serverRelativeURL);
  const schemas = doc.components?.schemas ?? {};
  // Values YAML writes as numbers or strings (ports, quantities such as `cpu: 1`).
  for (const name of Object.keys(schemas))
    if (/intstr\.IntOrString$|resource\.Quantity$/.test(name))
      schemas[name] = { anyOf: [{ type: "string" }, { type: "integer" }, { type: "number" }] };
  strict(schemas);
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) {
      // Only the kinds this document serves (others appear as referenced types).
      const served = gvk.group ? path === `apis/${gvk.group}/${gvk.version}` : path === `api/${gvk.version}`;
      if (!served) continue;
      // kubeconform's {{ .Group }} of a core kind ("v1") is the version itself.
      const file = join(out, `${gvk.kind.toLowerCase()}_${gvk.group || gvk.version}_${gvk.version}.json`);
      writeFileSync(file, JSON.stringify({ $ref: `#/components/schemas/${name}`, components: { schemas } }));
      written++;
    }
  }
}
process.stdout.write(`${written} kind schemas written to ${out}\n`);
