"""The report page's stylesheet (inline: the page is one self-contained file)."""

CSS = """
:root {
  --bg: #f6f7f9; --card: #ffffff; --ink: #1d2330; --muted: #5d6677; --line: #e3e6ec;
  --accent: #2f6fde; --good: #2e9d5b; --bad: #d64545; --ring: #e8ebf0; --slot: transparent;
  --code: #f0f2f5; color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --card: #1d2128; --ink: #e7e9ee; --muted: #9aa3b2; --line: #2c323c;
          --accent: #6c9ef8; --good: #4cc27e; --bad: #f06a6a; --ring: #2c323c; --code: #262b33; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
         flex-wrap: wrap; margin-bottom: 20px; }
h1 { font-size: 26px; margin: 0; letter-spacing: -0.01em; }
h1 span { color: var(--accent); }
h2 { font-size: 18px; margin: 0 0 4px; }
.sub { color: var(--muted); font-size: 13px; }
.sub code { font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
         margin-bottom: 16px; }
.card, section { background: var(--card); border: 1px solid var(--line); border-radius: 12px; }
.card { padding: 14px 16px; }
.card .value { font-size: 30px; font-weight: 650; line-height: 1.1; font-variant-numeric: tabular-nums; }
.card .label { font-weight: 600; margin-top: 2px; }
.card .meaning { color: var(--muted); font-size: 12.5px; margin-top: 6px; }
section { padding: 18px 20px; margin-bottom: 16px; }
section > .sub { margin-bottom: 12px; }
.chart { width: 100%; height: auto; display: block; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .baseline { stroke: var(--muted); stroke-width: 1; }
.chart .axis { fill: var(--muted); font-size: 11px; }
.chart .slot { fill: var(--slot); }
.chart g:hover .slot { fill: var(--line); opacity: 0.5; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 4px 0 8px; font-size: 13px; }
.key i { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 6px;
         vertical-align: -1px; }
.key b { color: var(--muted); font-weight: 600; }
.heal { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 18px; }
.gauge { display: flex; gap: 16px; align-items: center; }
.donut { width: 130px; height: 130px; flex: none; }
.donut .ring { stroke: var(--ring); }
.donut .fill { stroke: var(--good); }
.donut .donut-value { fill: var(--ink); font-size: 28px; font-weight: 650; }
.gauge h3 { margin: 0 0 4px; font-size: 15px; }
.gauge p { margin: 0; color: var(--muted); font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase;
     letter-spacing: 0.03em; border-bottom: 1px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 7px 8px; vertical-align: top; }
tr:last-child td { border-bottom: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { white-space: nowrap; color: var(--muted); }
code { background: var(--code); border-radius: 5px; padding: 1px 5px; font-size: 12.5px;
       font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
code.id { white-space: nowrap; }
.pill { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; color: #fff;
        white-space: nowrap; }
.sev { color: var(--muted); font-size: 12px; }
.cellbar { display: flex; align-items: center; gap: 8px; min-width: 110px; }
.cellbar span { display: block; height: 8px; border-radius: 4px; background: var(--accent); opacity: 0.75; }
.cellbar b { font-variant-numeric: tabular-nums; }
.strip { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0 4px; }
.run { width: 14px; height: 14px; border-radius: 3px; display: inline-block; }
.run.pass { background: var(--good); }
.run.fail { background: var(--bad); }
.empty { color: var(--muted); font-style: italic; margin: 6px 0; }
.problems { border-color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; font-size: 13.5px; }
dt { font-weight: 600; }
dd { margin: 0; color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 8px; }
"""
