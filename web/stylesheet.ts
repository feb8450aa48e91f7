// The workspace's only stylesheet, served from this origin (the Content-Security-Policy allows no
// inline style). Colours keep a contrast ratio of at least 4.5:1 on white (WCAG AA). On the dark
// header the browser's own focus ring (Chromium's: #101010, 1.6:1 on #0b3a63) all but vanishes, so
// its links and buttons draw their own: white, solid, outside the control (11.7:1 on the header,
// WCAG 2.2 SC 1.4.11 and 2.4.13). At 320 CSS pixels wide (400% zoom, SC 1.4.10) nothing scrolls
// sideways: a long word breaks (a French title's "Vidéoconférence", an address, a Message-ID), a list
// of facts gives its values the width left (stacked below 30rem), and the file field keeps within the
// form. Below 40rem a data table's rows become blocks, each cell under its column's name (its
// data-label, drawn but not spoken: a screen reader still has the table, its headers and their sort
// links, which stay shown in a row of their own where a table has them). The name's empty alternative
// text (`content: … / ""`) is what keeps it unspoken; a browser without that syntax keeps the first
// `content` and reads the name twice rather than not show it.
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans",Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#fff;overflow-wrap:break-word}
a{color:#0b4f8a}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
header.site{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.5rem 1.5rem;background:#0b3a63;color:#fff}
header.site a{color:#fff}
header.site form{display:inline}
header.site .who,header.site .until{font-size:.9rem}
header.site .until{margin-inline-start:.5rem}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem}
main{padding:1rem 1.5rem;max-width:80rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th a{text-decoration:none}
.overdue{color:#a30000;font-weight:bold}
.error{color:#a30000}
.notice{background:#eef6ee;border-left:4px solid #2e6b2e;padding:.5rem 1rem}
.problems{background:#fdeeee;border-left:4px solid #a30000;padding:.5rem 1rem}
form.action{border:1px solid #ccc;padding:1rem;margin:.5rem 0}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:bold}
label{display:block;font-weight:bold;margin-top:.5rem}
input[type=file]{max-width:100%}
input[type=text],input[type=date],input[type=datetime-local],input[type=number],textarea,select{width:100%;max-width:40rem;padding:.3rem;font:inherit;border:1px solid #555}
textarea{min-height:5rem}
button{font:inherit;padding:.3rem .9rem;margin-top:.5rem;background:#0b4f8a;color:#fff;border:1px solid #0b4f8a;cursor:pointer}
header.site button{background:transparent;border:1px solid #fff;margin:0}
header.site a:focus-visible,header.site button:focus-visible{outline:3px solid #fff;outline-offset:2px}
.hint{font-size:.9rem;color:#444;font-weight:normal}
dl.facts{display:grid;grid-template-columns:fit-content(40%) minmax(0,1fr);gap:.2rem 1rem}
dl.facts dt{font-weight:bold}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}
.filters label{margin:0}
.confirm{display:flex;gap:.6rem;align-items:flex-start}
.confirm input{width:1.4rem;height:1.4rem;margin:.15rem 0 0;flex:none}
.confirm label{margin:0}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
ins{background:#e3f1e3;color:#1a1a1a;text-decoration:underline}
del{background:#f8e3e3;color:#1a1a1a;text-decoration:line-through}
ol.changes h4{margin:.75rem 0 .25rem}
.diff-language{font-weight:bold;font-size:.9rem}
.said{white-space:pre-line;overflow-wrap:anywhere}
@media (max-width:40rem){
table,caption,tbody,tr,th,td{display:block}
thead{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
thead.sort-links{position:static;width:auto;height:auto;margin:0;overflow:visible;clip:auto;white-space:normal;display:block}
thead.sort-links tr{display:flex;flex-wrap:wrap;gap:0 1rem;padding:.35rem 0}
thead.sort-links tr::before{content:attr(data-label);content:attr(data-label) / "";flex-basis:100%;font-weight:bold}
thead.sort-links th{border:0;padding:0;font-weight:normal}
thead.sort-links a{text-decoration:underline}
caption{text-align:left}
tbody tr{border-top:1px solid #ccc;padding:.35rem 0}
th,td{border:0;padding:.15rem 0}
td[data-label]::before{content:attr(data-label);content:attr(data-label) / "";display:block;font-weight:bold;font-size:.9rem;color:#444}
}
@media (max-width:30rem){dl.facts{grid-template-columns:minmax(0,1fr)}dl.facts dd{margin-left:0}}
pre.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:"DejaVu Sans Mono",monospace;font-size:.9rem;background:#f6f6f6;border:1px solid #ccc;padding:.75rem;max-width:60rem}
`;

/**
 * The workspace's icon, a sheet on the header's blue: browsers ask for one on every page (`/favicon.ico`
 * when a page names none), and the Content-Security-Policy lets them load it from this origin only.
 */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b3a63"/><path d="M4 3h5l3 3v7H4z" fill="#fff"/></svg>';
