//! The projector page: one self-contained HTML file (no fonts or scripts from elsewhere, so it
//! works on a classroom network without internet). It follows the board as server-sent events
//! and writes every name as text, never as markup.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;

use super::Classroom;

/// `GET /board/CODE`.
pub(super) async fn board_page(
    State(classroom): State<Arc<Classroom>>,
    Path(code): Path<String>,
) -> Html<String> {
    Html(
        PAGE.replace("\"{{CODE}}\"", &json(&code.trim().to_uppercase()))
            .replace("[\"{{ADDRESSES}}\"]", &json(&classroom.addresses)),
    )
}

/// A value as JSON inside the page's script, so no markup can ride in on it.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>销售道场 · Sales Dojo</title>
<style>
  @font-face { font-family: "Noto Sans SC"; src: url("/font.ttf") format("truetype");
               font-display: swap; }
  :root { --accent: #b02626; --muted: #6e6e6e; --good: #1e823c; --bad: #be3228; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "Noto Sans SC", "Noto Sans CJK SC", "Microsoft YaHei",
         "PingFang SC", sans-serif; background: #fafafa; color: #222; }
  header { display: flex; align-items: baseline; gap: 2rem; padding: 1.2rem 2rem;
           border-bottom: 2px solid #ddd; flex-wrap: wrap; }
  h1 { margin: 0; font-size: 2.6rem; color: var(--accent); }
  #join { font-size: 1.6rem; }
  #join b { font-size: 2.2rem; letter-spacing: .15em; color: var(--accent); }
  #status { color: var(--muted); font-size: 1.1rem; }
  nav { display: flex; gap: .6rem; padding: .8rem 2rem; flex-wrap: wrap; }
  button { font: inherit; font-size: 1.2rem; padding: .4rem 1rem; border: 1px solid #bbb;
           background: #fff; border-radius: .4rem; cursor: pointer; }
  button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
  table { width: calc(100% - 4rem); margin: 0 2rem; border-collapse: collapse; }
  th { text-align: left; color: var(--muted); font-weight: normal; font-size: 1.3rem;
       padding: .4rem .6rem; }
  td { font-size: 2.4rem; padding: .5rem .6rem; border-top: 1px solid #e4e4e4; }
  td.rank { color: var(--accent); font-weight: bold; width: 5rem; }
  td.note { font-size: 1.2rem; color: var(--muted); }
  tr.invalid td { color: var(--bad); }
  tr.fresh td { animation: fresh 2.5s ease-out; }
  @keyframes fresh { from { background: #fff3b0; } to { background: transparent; } }
  #empty { margin: 2rem; font-size: 1.8rem; color: var(--muted); }
  #podium { display: none; justify-content: center; align-items: flex-end; gap: 2rem;
            margin: 1.5rem 2rem; }
  .place { text-align: center; width: 18rem; }
  .place .name { font-size: 2.6rem; font-weight: bold; word-break: break-all; }
  .place .score { font-size: 2rem; color: var(--muted); }
  .place .step { background: var(--accent); color: #fff; font-size: 3rem; font-weight: bold;
                 border-radius: .4rem .4rem 0 0; }
  body.podium #podium { display: flex; }
  body.podium table, body.podium #empty { display: none; }
</style>
</head>
<body>
<header>
  <h1>销售道场 · Sales Dojo</h1>
  <div id="join"></div>
  <div id="status"></div>
</header>
<nav id="tabs"></nav>
<nav>
  <button id="lang">English</button>
  <button id="podium-toggle"></button>
</nav>
<div id="podium"></div>
<table>
  <thead><tr id="head"></tr></thead>
  <tbody id="rows"></tbody>
</table>
<div id="empty"></div>
<script>
"use strict";
const CODE = "{{CODE}}";
// What trainees type: this server's network addresses. A projector page opened on the server's
// own laptop (127.0.0.1) must not tell the room to type that.
const ADDRESSES = ["{{ADDRESSES}}"];
const WORDS = {
  zh: { join: "加入：打开游戏，输入地址", code: "场次代码", rank: "名次", trainee: "学员",
        score: "得分", outcome: "结果", minutes: "模拟分钟", note: "",
        empty: "还没有成绩：学员完成拜访后会立即出现在这里。", live: "实时更新中",
        offline: "连接中断，正在重连……", ended: "场次已结束", podium: "领奖台",
        board: "排行榜", missing: "没有这个场次", invalid: "无效",
        Order: "订单", Advance: "有进展", Continuation: "暂时中断", NoSale: "没有成交",
        Development: "开发阶段", InitialCooperation: "初期合作", StableCooperation: "稳定合作",
        StrategicCooperation: "战略合作" },
  en: { join: "Join: open the game and type", code: "session code", rank: "Rank",
        trainee: "Trainee", score: "Score", outcome: "Outcome", minutes: "Minutes", note: "",
        empty: "No results yet: each one appears here the moment a visit ends.",
        live: "live", offline: "connection lost, reconnecting…", ended: "session ended",
        podium: "Podium", board: "Board", missing: "no such session", invalid: "invalid",
        Order: "Order", Advance: "Advance", Continuation: "Continuation", NoSale: "No sale",
        Development: "Development", InitialCooperation: "Initial cooperation",
        StableCooperation: "Stable cooperation", StrategicCooperation: "Strategic cooperation" },
};
const params = new URLSearchParams(location.search);
let lang = params.get("lang") === "en" ? "en" : "zh";
let boards = [];
let titles = {};
let chosen = 0;
let ended = false;
let podium = false;
let seen = new Set();
let status = "";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function words() { return WORDS[lang]; }
function joinAddress() {
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
  return loopback && ADDRESSES.length ? ADDRESSES.join("  ") : location.host;
}
function text(t) { return t ? (t[lang] || "") : ""; }

function render() {
  const w = words();
  document.documentElement.lang = lang;
  const join = document.getElementById("join");
  join.replaceChildren(el("span", w.join + " "), el("span", joinAddress() + "  "),
                       el("span", w.code + " "), el("b", CODE));
  document.getElementById("status").textContent = ended ? w.ended : status;
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
  document.getElementById("podium-toggle").textContent = podium ? w.board : w.podium;
  document.body.classList.toggle("podium", podium);
  const tabs = document.getElementById("tabs");
  tabs.replaceChildren(...boards.map(([id], i) => {
    const b = el("button", text(titles[id]) || id, i === chosen ? "on" : "");
    b.onclick = () => { chosen = i; render(); };
    return b;
  }));
  const head = document.getElementById("head");
  head.replaceChildren(...["rank", "trainee", "score", "outcome", "minutes", "note"]
    .map(k => el("th", w[k])));
  const rows = boards[chosen] ? boards[chosen][1] : [];
  const body = document.getElementById("rows");
  body.replaceChildren(...rows.map(row => {
    const c = row.checked;
    const valid = row.total !== null && row.total !== undefined;
    // A visit's outcome, or the stage a campaign's account ended in.
    const ended = c.outcome || c.stage;
    const tr = el("tr", null, valid ? "" : "invalid");
    const id = c.result.id;
    if (!seen.has(id)) { seen.add(id); tr.classList.add("fresh"); }
    tr.dataset.resultId = id;
    tr.append(el("td", row.rank ? row.rank + "." : "—", "rank"), el("td", c.result.trainee),
              el("td", valid ? row.total : "×"),
              el("td", valid && ended ? (w[ended] || ended) : ""),
              el("td", row.minutes + "′"), el("td", text(row.note), "note"));
    return tr;
  }));
  document.getElementById("empty").textContent = rows.length ? "" : w.empty;
  const places = document.getElementById("podium");
  const top = rows.filter(r => r.rank && r.rank <= 3);
  // Second, first, third, as podiums stand.
  const order = [top.find(r => r.rank === 2), top.find(r => r.rank === 1),
                 top.find(r => r.rank === 3)].filter(Boolean);
  places.replaceChildren(...order.map(r => {
    const place = el("div", null, "place");
    const step = el("div", r.rank, "step");
    step.style.height = (r.rank === 1 ? 8 : r.rank === 2 ? 5.5 : 3.5) + "rem";
    place.append(el("div", r.checked.result.trainee, "name"), el("div", r.total, "score"), step);
    return place;
  }));
}

async function loadSession() {
  try {
    const answer = await fetch("/api/sessions/" + encodeURIComponent(CODE));
    if (!answer.ok) { status = words().missing; render(); return; }
    const session = await answer.json();
    titles = session.titles || {};
    ended = session.ended_at !== null && session.ended_at !== undefined;
    if (ended) podium = true;
    render();
  } catch (e) { /* the event stream reports the connection */ }
}

function follow() {
  const events = new EventSource("/api/sessions/" + encodeURIComponent(CODE) + "/events");
  events.addEventListener("board", message => {
    boards = JSON.parse(message.data);
    if (chosen >= boards.length) chosen = 0;
    status = words().live;
    render();
    // An ended session turns to its podium: the session says whether it has ended.
    if (!ended) loadSession();
  });
  events.onerror = () => { status = words().offline; render(); loadSession(); };
}

document.getElementById("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; render(); };
document.getElementById("podium-toggle").onclick = () => { podium = !podium; render(); };
render();
loadSession();
follow();
</script>
</body>
</html>
"#;
