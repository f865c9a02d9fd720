// The required fields and types of an ATT&CK Navigator layer, format 4.5
// (attack-navigator's layers/LAYERFORMATv4_5.md), as a small schema check:
// returns the problems found, an empty list for a valid layer.

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const DOMAINS = ["enterprise-attack", "mobile-attack", "ics-attack"];

const isString = (v) => typeof v === "string";
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isBoolean = (v) => typeof v === "boolean";

/** `major.minor.patch` compared as numbers. */
function atLeast(version, minimum) {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
  }
  return true;
}

function checkLinks(links, where, problems) {
  if (links === undefined) return;
  if (!Array.isArray(links)) return problems.push(`${where}.links is not an array`);
  links.forEach((link, i) => {
    if (link.divider === true) return;
    if (!isString(link.label)) problems.push(`${where}.links[${i}].label is not a string`);
    if (!isString(link.url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(link.url)) problems.push(`${where}.links[${i}].url has no protocol`);
  });
}

function checkMetadata(metadata, where, problems) {
  if (metadata === undefined) return;
  if (!Array.isArray(metadata)) return problems.push(`${where}.metadata is not an array`);
  metadata.forEach((item, i) => {
    if (item.divider === true) return;
    if (!isString(item.name) || !isString(item.value)) problems.push(`${where}.metadata[${i}] needs string name and value`);
  });
}

/** The problems of a parsed layer against the 4.5 format. */
export function layerProblems(layer) {
  const problems = [];
  if (typeof layer !== "object" || layer === null || Array.isArray(layer)) return ["the layer is not an object"];
  if (!isString(layer.name) || layer.name === "") problems.push("name is required (a string)");
  if (!DOMAINS.includes(layer.domain)) problems.push(`domain ${JSON.stringify(layer.domain)} is not one of ${DOMAINS}`);
  const v = layer.versions;
  if (v !== undefined) {
    if (v.layer !== "4.5") problems.push(`versions.layer must be "4.5", is ${JSON.stringify(v.layer)}`);
    if (!isString(v.navigator) || !atLeast(v.navigator, "4.9.0")) problems.push(`versions.navigator must be at least 4.9.0, is ${JSON.stringify(v.navigator)}`);
    if (v.attack !== undefined && (!isString(v.attack) || !/\d+/.test(v.attack))) problems.push("versions.attack must be a string with a version number");
  }
  if (layer.description !== undefined && !isString(layer.description)) problems.push("description is not a string");
  if (layer.sorting !== undefined && ![0, 1, 2, 3].includes(layer.sorting)) problems.push("sorting is not 0–3");
  if (layer.hideDisabled !== undefined && !isBoolean(layer.hideDisabled)) problems.push("hideDisabled is not a boolean");
  if (layer.filters?.platforms !== undefined && !(Array.isArray(layer.filters.platforms) && layer.filters.platforms.every(isString))) problems.push("filters.platforms is not an array of strings");
  if (layer.techniques !== undefined) {
    if (!Array.isArray(layer.techniques)) problems.push("techniques is not an array");
    else layer.techniques.forEach((t, i) => {
      const where = `techniques[${i}]`;
      if (!isString(t.techniqueID) || !TECHNIQUE_ID.test(t.techniqueID)) problems.push(`${where}.techniqueID ${JSON.stringify(t.techniqueID)} is not T#### or T####.###`);
      if (t.tactic !== undefined && !isString(t.tactic)) problems.push(`${where}.tactic is not a string`);
      if (t.score !== undefined && !isNumber(t.score)) problems.push(`${where}.score is not a number`);
      if (t.comment !== undefined && !isString(t.comment)) problems.push(`${where}.comment is not a string`);
      if (t.enabled !== undefined && !isBoolean(t.enabled)) problems.push(`${where}.enabled is not a boolean`);
      if (t.color !== undefined && !isString(t.color)) problems.push(`${where}.color is not a string`);
      if (t.showSubtechniques !== undefined && !isBoolean(t.showSubtechniques)) problems.push(`${where}.showSubtechniques is not a boolean`);
      checkLinks(t.links, where, problems);
      checkMetadata(t.metadata, where, problems);
    });
  }
  const g = layer.gradient;
  if (g !== undefined) {
    if (!Array.isArray(g.colors) || g.colors.length < 2 || !g.colors.every(isString)) problems.push("gradient.colors needs two or more strings");
    if (!isNumber(g.minValue) || !isNumber(g.maxValue) || !(g.maxValue > g.minValue)) problems.push("gradient needs numbers minValue < maxValue");
  }
  if (layer.legendItems !== undefined && !(Array.isArray(layer.legendItems) && layer.legendItems.every((l) => isString(l.label) && isString(l.color)))) problems.push("legendItems need string label and color");
  checkMetadata(layer.metadata, "layer", problems);
  checkLinks(layer.links, "layer", problems);
  return problems;
}
