#!/usr/bin/env node
// Draws a Chrome trace written with SRVIEW_TRACE as an SVG timeline: one lane per request
// (named by its input), one for the loader thread and one for the other GIL holds.
// Usage: node scripts/trace-svg.mjs trace.json > trace.svg
import { readFileSync } from "node:fs";

const events = JSON.parse(readFileSync(process.argv[2], "utf8"));
const threadNames = new Map();
const requestInputs = new Map();
const open = new Map();
const spans = [];
for (const event of events) {
  if (event.ph === "M" && event.name === "thread_name") threadNames.set(event.tid, event.args.name);
  if (event.ph !== "b" && event.ph !== "e") continue;
  if (event.ph === "b" && event.name === "upscale") requestInputs.set(event.id, event.args?.input ?? "request");
  const key = `${event.id}/${event.name}`;
  if (event.ph === "b") {
    (open.get(key) ?? open.set(key, []).get(key)).push(event);
  } else {
    const begin = open.get(key)?.pop();
    if (begin !== undefined) spans.push({ id: event.id, tid: begin.tid, name: event.name, start: begin.ts, end: event.ts });
  }
}
const laneOf = (span) => {
  if (requestInputs.has(span.id)) return `upscale ${requestInputs.get(span.id)}`;
  return threadNames.get(span.tid) === "sr_vulkan-load" ? "loader thread" : "other GIL holds";
};
for (const span of spans) span.lane = laneOf(span);
if (spans.length === 0) throw new Error("no spans in this trace");

const laneRank = (lane) => (lane.startsWith("upscale") ? 0 : lane === "loader thread" ? 1 : 2);
const t0 = Math.min(...spans.map((s) => s.start));
const t1 = Math.max(...spans.map((s) => s.end));
const lanes = [...new Set(spans.map((s) => s.lane))].sort((a, b) => laneRank(a) - laneRank(b));
const colours = {
  upscale: "#5b6b8c", flight: "#777777", cache_lookup: "#3f9e8f", check: "#8aa84b", queue: "#c9a227",
  compute: "#d2642a", write: "#8e5bb5", load_wait: "#4b7fc9", gil: "#c2413b",
};
const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const width = 1100, left = 150, right = 20, rowHeight = 18, laneGap = 10, top = 40;
const x = (ts) => left + ((ts - t0) / (t1 - t0)) * (width - left - right);

// Nested spans of one request go one row further down.
let y = top;
const rects = [];
const labels = [];
for (const lane of lanes) {
  const rows = [];
  const mine = spans.filter((s) => s.lane === lane).sort((a, b) => a.start - b.start || b.end - a.end);
  for (const span of mine) {
    let row = rows.findIndex((end) => end <= span.start);
    if (row === -1) row = rows.push(0) - 1;
    rows[row] = span.end;
    const sx = x(span.start), sw = Math.max(1, x(span.end) - sx), sy = y + row * rowHeight;
    const ms = ((span.end - span.start) / 1000).toFixed(1);
    rects.push(`<rect x="${sx.toFixed(1)}" y="${sy}" width="${sw.toFixed(1)}" height="${rowHeight - 2}" fill="${colours[span.name] ?? "#777"}"><title>${span.name} ${ms} ms</title></rect>`);
    if (sw > span.name.length * 7 + 8) {
      rects.push(`<text x="${(sx + 4).toFixed(1)}" y="${sy + 12}" fill="#fff">${span.name}</text>`);
    }
  }
  labels.push(`<text x="10" y="${y + 12}" fill="#ddd">${escape(lane)}</text>`);
  y += rows.length * rowHeight + laneGap;
}

const ticks = [];
const totalMs = (t1 - t0) / 1000;
const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].find((s) => totalMs / s <= 10) ?? 10000;
for (let ms = 0; ms <= totalMs; ms += step) {
  const tx = x(t0 + ms * 1000).toFixed(1);
  ticks.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${y}" stroke="#444"/><text x="${tx}" y="${top - 10}" fill="#aaa" text-anchor="middle">${ms} ms</text>`);
}
const legend = Object.entries(colours).map(([name, colour], i) =>
  `<rect x="${left + i * 100}" y="${y + 6}" width="12" height="12" fill="${colour}"/><text x="${left + i * 100 + 16}" y="${y + 16}" fill="#ddd">${name}</text>`);

const height = y + 30;
process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#1b1d22"/>
${ticks.join("\n")}
${labels.join("\n")}
${rects.join("\n")}
${legend.join("\n")}
</svg>
`);
