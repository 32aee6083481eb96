/** The stylesheet of report.html (inline; system fonts only, nothing fetched). Light and dark. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --dim: #667085; --bg: #ffffff; --card: #f4f6fa; --line: #d0d5dd;
  --ok: #157f3b; --miss: #c4320a; --lat: #3b6fd8; --energy: #d9822b; --w8: #3b6fd8; --w4: #9b51e0; --w2: #12a594; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e4e7ec; --dim: #98a2b3; --bg: #101828; --card: #1d2939; --line: #344054; --ok: #47cd89; --miss: #f97066; }
}
body { margin: 0 auto; max-width: 980px; padding: 16px 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { margin: 2px 0; color: var(--dim); overflow-wrap: anywhere; }
.dim { color: var(--dim); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; margin-top: 16px; }
.card { background: var(--card); border-radius: 8px; padding: 10px 12px; }
.card-title { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card-value { font-size: 22px; font-weight: 600; }
.card-detail { color: var(--dim); font-size: 12px; }
.ok { color: var(--ok); }
.miss { color: var(--miss); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--dim); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { white-space: nowrap; }
td.name { max-width: 260px; overflow-wrap: anywhere; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
details { margin-top: 8px; }
svg.chart { display: block; max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .label, svg .value, svg .tick { fill: var(--fg); }
svg .axis, svg .grid { stroke: var(--line); }
svg .frame { fill: none; stroke: var(--line); }
svg .lat { fill: var(--lat); } svg .energy { fill: var(--energy); }
svg .w8 { fill: var(--w8); } svg .w4 { fill: var(--w4); } svg .w2 { fill: var(--w2); }
svg .m0 { fill: #3b6fd8; } svg .m1 { fill: #d9822b; } svg .m2 { fill: #12a594; } svg .m3 { fill: #9b51e0; }
svg .m4 { fill: #e5484d; } svg .m5 { fill: #8da101; } svg .m6 { fill: #0091ff; } svg .m7 { fill: #ad7f58; }
svg [class^="m"], svg .scratch { stroke: var(--bg); stroke-width: .5; }
svg .scratch { fill: url(#hatch); }
svg .hatch-bg { fill: #98a2b3; } svg .hatch-line { stroke: #475467; stroke-width: 3; }
svg g.row:hover rect { opacity: .8; }
footer { margin-top: 24px; }
`;
