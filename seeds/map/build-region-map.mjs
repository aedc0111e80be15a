// Builds seeds/map/ukraine-regions.json, the dashboard's region map, from the npm package
// @svg-maps/ukraine (CC BY 4.0, see LICENSE.md and README.md next to this file).
//
//   npm pack @svg-maps/ukraine@2.0.0 && tar xzf svg-maps-ukraine-2.0.0.tgz
//   node seeds/map/build-region-map.mjs package/index.js > seeds/map/ukraine-regions.json
//
// What it changes: region ids become the contract's oblast names; every outline is simplified
// (Douglas-Peucker, tolerance 0.6 of a 1000-wide view) and written with one decimal; each region
// gets a label point well inside it (the interior point farthest from its border, so Kyiv oblast's
// label does not land on Kyiv City in its hole); Sevastopol, which the package draws as part of
// Crimea, is added as a marker at its coordinates.
import { pathToFileURL } from "node:url";

const source = (await import(pathToFileURL(process.argv[2]).href)).default;
const names = { "kyiv-city": "Kyiv City", odessa: "Odesa", zaporizhia: "Zaporizhzhia" };
const tolerance = 0.6;

/** The rings of an SVG path made of M/m, l and z commands, in absolute coordinates. */
function rings(d) {
  const tokens = d.match(/[MmLlZz]|-?\d*\.?\d+(?:e-?\d+)?/g);
  const result = [];
  let ring = null, x = 0, y = 0, startX = 0, startY = 0, command = null;
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i];
    if (/[A-Za-z]/.test(t)) { command = t; i++; if (t === "z" || t === "Z") { x = startX; y = startY; ring = null; } continue; }
    const a = +tokens[i], b = +tokens[i + 1]; i += 2;
    if (command === "M" || command === "m") {
      [x, y] = command === "M" ? [a, b] : [x + a, y + b];
      [startX, startY] = [x, y];
      ring = [[x, y]]; result.push(ring);
      command = command === "M" ? "L" : "l";
    } else if (command === "l" || command === "L") {
      [x, y] = command === "L" ? [a, b] : [x + a, y + b];
      ring.push([x, y]);
    } else throw new Error(`Unexpected command ${command}`);
  }
  return result;
}

function segmentDistance([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function simplify(points) {
  if (points.length < 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let worst = -1, index = -1;
    for (let i = first + 1; i < last; i++) {
      const distance = segmentDistance(points[i], points[first], points[last]);
      if (distance > worst) { worst = distance; index = i; }
    }
    if (worst > tolerance) { keep[index] = 1; stack.push([first, index], [index, last]); }
  }
  return points.filter((_, i) => keep[i]);
}

// A closed ring split in two halves at its farthest point, so Douglas-Peucker has a real chord to work from.
function simplifyRing(ring) {
  let far = 0, best = -1;
  ring.forEach(([x, y], i) => { const d = Math.hypot(x - ring[0][0], y - ring[0][1]); if (d > best) { best = d; far = i; } });
  const a = simplify(ring.slice(0, far + 1)), b = simplify([...ring.slice(far), ring[0]]);
  return [...a, ...b.slice(1, -1)];
}

const area = ring => ring.reduce((sum, [x, y], i) => { const [nx, ny] = ring[(i + 1) % ring.length]; return sum + x * ny - nx * y; }, 0) / 2;

function inside([px, py], allRings) {
  let odd = false;
  for (const ring of allRings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

/** The interior point farthest from every edge (and from any hole), searched on a one-unit grid. */
function labelPoint(allRings, holes) {
  const xs = allRings.flat().map(p => p[0]), ys = allRings.flat().map(p => p[1]);
  const edges = [...allRings, ...holes];
  let best = null, bestDistance = -1;
  for (let x = Math.min(...xs); x <= Math.max(...xs); x += 1) {
    for (let y = Math.min(...ys); y <= Math.max(...ys); y += 1) {
      if (!inside([x, y], allRings) || holes.some(h => inside([x, y], [h]))) continue;
      let nearest = Infinity;
      for (const ring of edges) for (let i = 0; i < ring.length; i++) nearest = Math.min(nearest, segmentDistance([x, y], ring[i], ring[(i + 1) % ring.length]));
      if (nearest > bestDistance) { bestDistance = nearest; best = [x, y]; }
    }
  }
  return best;
}

const fmt = n => (Math.round(n * 10) / 10).toString();
function toPath(allRings) {
  return allRings.map(ring => {
    let [x, y] = [Math.round(ring[0][0] * 10) / 10, Math.round(ring[0][1] * 10) / 10];
    let d = `M${fmt(x)} ${fmt(y)}l`;
    const steps = [];
    for (const [px, py] of ring.slice(1)) {
      const [rx, ry] = [Math.round(px * 10) / 10, Math.round(py * 10) / 10];
      steps.push(`${fmt(rx - x)} ${fmt(ry - y)}`);
      [x, y] = [rx, ry];
    }
    return d + steps.join(" ").replace(/ -/g, "-") + "z";
  }).join("");
}

const outlines = new Map(source.locations.map(l => [l.id, rings(l.path)]));
const regions = source.locations.map(location => {
  const own = outlines.get(location.id).filter(r => Math.abs(area(r)) > 0.5);
  // Kyiv oblast's outline surrounds Kyiv City; the city is its own region drawn on top.
  const holes = location.id === "kyiv" ? outlines.get("kyiv-city") : [];
  const [labelX, labelY] = labelPoint(own, holes);
  const name = names[location.id] ?? location.name;
  return { name, path: toPath(own.map(simplifyRing)), labelX: Math.round(labelX), labelY: Math.round(labelY) };
});

// Sevastopol (44.616 N, 33.525 E). The view is a Mercator projection fitted to Ukraine's extremes
// (22.137-40.228 E, 44.386-52.379 N, drawn from 1 to 999 and 1 to 669); a point that lands just off
// the package's coastline is moved toward Crimea's label until it sits on land.
const mercator = lat => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
const project = (lat, lon) => [
  1 + ((lon - 22.137) / (40.228 - 22.137)) * 998,
  1 + ((mercator(52.379) - mercator(lat)) / (mercator(52.379) - mercator(44.386))) * 668,
];
const crimea = regions.find(r => r.name === "Crimea");
let [seaX, seaY] = project(44.616, 33.525);
for (let step = 0; step < 40 && !inside([seaX, seaY], outlines.get("crimea")); step++) {
  const length = Math.hypot(crimea.labelX - seaX, crimea.labelY - seaY);
  seaX += (crimea.labelX - seaX) / length;
  seaY += (crimea.labelY - seaY) / length;
}
const sevastopol = { name: "Sevastopol", x: Math.round(seaX), y: Math.round(seaY) };

process.stdout.write(JSON.stringify({
  source: "@svg-maps/ukraine 2.0.0 (CC BY 4.0), based on MapSVG's map of Ukraine; simplified by build-region-map.mjs",
  viewBox: source.viewBox,
  regions,
  markers: [sevastopol],
}, null, 1) + "\n");
