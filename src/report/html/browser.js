"use strict";
// The case browser of report.html and compare.html. Every number it shows
// (scores, ranks, outcomes, margins) comes from the embedded data; the script
// only filters, sorts, pages and draws. The view's state lives in the URL
// fragment, so any view (and any case) has a permalink.
(function () {
  const PAGE = 50;
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("data").textContent);
  const compare = data.kind === "compare";
  const cases = data.cases;

  const esc = (s) =>
    String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]);
  for (const c of cases) {
    c.key = c.split + "/" + c.id;
    c.families = [...new Set(c.candidates.map((k) => k.family).filter(Boolean))].sort();
    c.hay = [c.id, ...data.contexts[c.context], ...c.candidates.map((k) => k.text)].join("\n").toLowerCase();
  }
  const byKey = new Map(cases.map((c, i) => [c.key, i]));
  const distinct = (f) => [...new Set(cases.flatMap(f))];

  function fill(select, options) {
    select.innerHTML = options.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
  }
  const withAll = (values) => [["", "all"], ...values.map((v) => [v, v])];
  const splits = distinct((c) => [c.split]);
  // One split at a time by default: a split holds each case once, so the
  // count reads as the dataset's.
  fill($("f-split"), [...splits.map((v) => [v, v]), ["", "all splits"]]);
  fill($("f-type"), withAll(distinct((c) => [c.type])));
  const families = distinct((c) => c.families).sort();
  fill($("f-family"), withAll(families));
  $("f-family").disabled = families.length === 0;
  let outcomes;
  if (compare) {
    fill($("f-run"), data.runs.slice(1).map((name, i) => [String(i + 1), `${name} vs ${data.runs[0]}`]));
    outcomes = [
      ["discordant", "discordant (outcomes differ)"],
      ["baseline-only", `only ${data.runs[0]} right`],
      ["run-only", "only the run right"],
      ["ties", "discordant through a tie"],
      ["agree", "same outcome"],
      ["", "all"],
    ];
  } else {
    $("l-run").hidden = true;
    outcomes = [["", "all"], ["right", "right"], ["wrong", "wrong"], ["tied", "tied"]];
  }
  fill($("f-outcome"), outcomes);
  const defaults = {
    split: splits[0] || "", type: "", family: "", run: compare ? "1" : "0",
    outcome: compare ? "discordant" : "", dialogue: "", q: "", sort: "file", page: "1", case: "",
  };
  const controls = {
    split: $("f-split"), type: $("f-type"), family: $("f-family"), run: $("f-run"),
    outcome: $("f-outcome"), dialogue: $("f-dialogue"), q: $("f-q"), sort: $("f-sort"),
  };

  let state = { ...defaults };
  let visible = [];
  let selected = -1;

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const next = { ...defaults };
    for (const k of Object.keys(defaults)) {
      if (params.has(k)) next[k] = params.get(k);
    }
    return next;
  }
  function writeHash() {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) {
      if (v !== defaults[k]) params.set(k, v);
    }
    const hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  const run = () => Number(state.run) || 0;
  function outcomeMatches(c) {
    const want = state.outcome;
    if (!want) return true;
    if (!compare) return c.outcome[0] === want;
    const a = c.outcome[0];
    const b = c.outcome[run()];
    switch (want) {
      case "discordant": return a !== b;
      case "baseline-only": return a === "right" && b === "wrong";
      case "run-only": return a === "wrong" && b === "right";
      case "ties": return a !== b && (a === "tied" || b === "tied");
      case "agree": return a === b;
      default: return true;
    }
  }
  function filter() {
    const q = state.q.normalize("NFC").toLowerCase().trim();
    const dialogue = state.dialogue.trim();
    visible = [];
    cases.forEach((c, i) => {
      if (state.split && c.split !== state.split) return;
      if (state.type && c.type !== state.type) return;
      if (state.family && !c.families.includes(state.family)) return;
      if (dialogue && c.dialogue !== dialogue) return;
      if (!outcomeMatches(c)) return;
      if (q && !c.hay.includes(q)) return;
      visible.push(i);
    });
    if (state.sort !== "file") {
      const r = run();
      const sign = state.sort === "margin-asc" ? 1 : -1;
      visible.sort((x, y) => {
        const a = cases[x].margin[r];
        const b = cases[y].margin[r];
        if (a === null || b === null) return (a === null) - (b === null) || x - y;
        return sign * (a - b) || x - y;
      });
    }
  }

  const fmt = (x) => (x === null || x === undefined ? "—" : Number(x).toPrecision(6));
  const signed = (x) => (x === null || x === undefined ? "—" : (x >= 0 ? "+" : "") + Number(x).toPrecision(4));
  const badge = (o, who) => `<span class="badge ${o}">${who ? esc(who) + ": " : ""}${o}</span>`;

  function card(i) {
    const c = cases[i];
    const r = run();
    const shown = compare ? [0, r] : [0];
    const turns = data.contexts[c.context]
      .map((t, j) => `<li class="${j % 2 ? "B" : "A"}"><b>${j % 2 ? "B" : "A"}</b> ${esc(t)}</li>`)
      .join("");
    const head = shown.map((x) => `<th>${compare ? esc(data.runs[x]) + " " : ""}rank</th><th>score</th>`).join("");
    const rows = c.candidates
      .map((k, j) => {
        const cells = shown.map((x) => `<td class="num">${c.ranks[x][j]}</td><td class="num">${fmt(c.scores[x][j])}</td>`).join("");
        const from = k.made_from ? ` <span class="from">from ${esc(k.made_from)}</span>` : "";
        const rule = k.rule ? `<span class="rule">${esc(k.rule)}</span>${from}` : "";
        return `<tr class="${k.label ? "pos" : "neg"}">${cells}<td>${k.label ? "✓" : ""}</td><td class="text">${esc(k.text)}</td><td>${esc(k.origin)}</td><td>${rule}</td></tr>`;
      })
      .join("");
    const badges = shown.map((x) => badge(c.outcome[x], compare ? data.runs[x] : "")).join(" ");
    const margins = shown.map((x) => signed(c.margin[x])).join(" / ");
    return `<article class="case" id="c-${i}" data-key="${esc(c.key)}">
<div class="head"><a class="permalink" href="#case=${encodeURIComponent(c.key)}">${esc(c.id)}</a>
<span class="tag">${esc(c.type)}</span> <span class="tag">${esc(c.split)}</span>
dialogue <a class="dialogue" href="#" data-dialogue="${esc(c.dialogue)}">${esc(c.dialogue)}</a>
${badges} <span class="margin">margin ${margins}</span></div>
<ol class="context">${turns || "<li><i>context not recorded</i></li>"}</ol>
<table class="cands"><tr>${head}<th>pos</th><th>candidate</th><th>origin</th><th>rule</th></tr>${rows}</table>
</article>`;
  }

  function pages() {
    return Math.max(1, Math.ceil(visible.length / PAGE));
  }
  function draw() {
    const page = Math.min(Math.max(1, Number(state.page) || 1), pages());
    state.page = String(page);
    const slice = visible.slice((page - 1) * PAGE, page * PAGE);
    $("cases").innerHTML = slice.map(card).join("");
    $("count").textContent = String(visible.length);
    $("total").textContent = String(state.split ? cases.filter((c) => c.split === state.split).length : cases.length);
    $("in-split").textContent = state.split ? `in split ${state.split}` : "in all splits";
    $("page").textContent = String(page);
    $("pages").textContent = String(pages());
    $("prev").disabled = page <= 1;
    $("next").disabled = page >= pages();
    select(selected, false);
  }
  function select(i, scroll) {
    document.querySelectorAll("article.case.selected").forEach((e) => e.classList.remove("selected"));
    selected = i;
    const el = i >= 0 ? $("c-" + i) : null;
    if (!el) return;
    el.classList.add("selected");
    if (scroll) el.scrollIntoView({ block: "nearest" });
  }
  function syncControls() {
    for (const [k, el] of Object.entries(controls)) el.value = state[k];
    // A value no option carries (an old permalink) falls back to the default.
    for (const [k, el] of Object.entries(controls)) {
      if (el.tagName === "SELECT" && el.value !== state[k]) {
        state[k] = defaults[k];
        el.value = state[k];
      }
    }
  }
  // Opens `state.case`: the filters are widened until it is visible.
  function openCase() {
    const i = byKey.get(state.case);
    if (i === undefined) return;
    filter();
    if (!visible.includes(i)) {
      state = { ...defaults, split: cases[i].split, case: state.case, run: state.run, outcome: "" };
      syncControls();
      filter();
    }
    state.page = String(Math.floor(visible.indexOf(i) / PAGE) + 1);
    selected = i;
    draw();
    select(i, true);
  }
  function update(resetPage) {
    if (resetPage) state.page = "1";
    state.case = "";
    filter();
    selected = -1;
    draw();
    writeHash();
  }
  function fromHash() {
    state = readHash();
    syncControls();
    if (state.case) {
      openCase();
    } else {
      filter();
      draw();
    }
  }

  for (const [k, el] of Object.entries(controls)) {
    const on = el.tagName === "INPUT" ? "input" : "change";
    el.addEventListener(on, () => {
      state[k] = el.value;
      update(true);
    });
  }
  $("f-reset").addEventListener("click", () => {
    state = { ...defaults };
    syncControls();
    update(true);
  });
  function turnPage(step) {
    const next = Number(state.page) + step;
    if (next < 1 || next > pages()) return false;
    state.page = String(next);
    state.case = "";
    selected = -1;
    draw();
    writeHash();
    return true;
  }
  $("prev").addEventListener("click", () => turnPage(-1));
  $("next").addEventListener("click", () => turnPage(1));
  $("cases").addEventListener("click", (ev) => {
    const link = ev.target.closest("a.dialogue");
    if (!link) return;
    ev.preventDefault();
    state.dialogue = link.dataset.dialogue;
    controls.dialogue.value = state.dialogue;
    update(true);
  });
  function move(step) {
    const onPage = [...document.querySelectorAll("article.case")].map((e) => Number(e.id.slice(2)));
    if (!onPage.length) return;
    const at = onPage.indexOf(selected);
    const next = at + step;
    if (next >= 0 && next < onPage.length) {
      select(onPage[next], true);
    } else if (turnPage(step > 0 ? 1 : -1)) {
      const now = [...document.querySelectorAll("article.case")].map((e) => Number(e.id.slice(2)));
      select(step > 0 ? now[0] : now[now.length - 1], true);
    }
  }
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target.tagName === "INPUT" || ev.target.tagName === "SELECT";
    if (ev.key === "Escape") {
      if (typing) ev.target.blur();
      return;
    }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const keys = {
      j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
      ArrowRight: () => turnPage(1), ArrowLeft: () => turnPage(-1),
      "/": () => controls.q.focus(),
      Enter: () => {
        if (selected >= 0) location.hash = "case=" + encodeURIComponent(cases[selected].key);
      },
    };
    const act = keys[ev.key];
    if (act) {
      ev.preventDefault();
      act();
    }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
