// newsgen search page: a small UI over Pagefind's JS API (spec K2, K3), loaded as a module.
// The bundle sits at <site>/pagefind/, a sibling of static/, so its path comes from this file's own URL
// and the page works under any base path and on any static host, without network.

// BEGIN newsgenSearchKey: byte-identical copy of newsgen.searchkey.SEARCH_FOLD_JS (tests/test_search.py)
function newsgenSearchKey(s) {
  var expand = {"\ufdfd": "\u0628\u0633\u0645 \u0627\u0644\u0644\u0647 \u0627\u0644\u0631\u062d\u0645\u0646 \u0627\u0644\u0631\u062d\u064a\u0645", "\ufdfc": "\u0631\u064a\u0627\u0644"};
  var fold = {"\u0622": "\u0627", "\u0623": "\u0627", "\u0624": "\u0621", "\u0625": "\u0627", "\u0626": "\u0621", "\u0629": "\u0647", "\u0649": "\u064a", "\u0660": "0", "\u0661": "1", "\u0662": "2", "\u0663": "3", "\u0664": "4", "\u0665": "5", "\u0666": "6", "\u0667": "7", "\u0668": "8", "\u0669": "9", "\u066b": ".", "\u066c": ",", "\u0671": "\u0627", "\u06a9": "\u0643", "\u06c0": "\u0647", "\u06c1": "\u0647", "\u06c2": "\u0647", "\u06cc": "\u064a", "\u06d3": "\u064a", "\u06f0": "0", "\u06f1": "1", "\u06f2": "2", "\u06f3": "3", "\u06f4": "4", "\u06f5": "5", "\u06f6": "6", "\u06f7": "7", "\u06f8": "8", "\u06f9": "9", "\u200b": " "};
  var text = String(s).replace(/[\uFDFC\uFDFD]/g, function (c) { return expand[c]; });
  text = text.normalize("NFKC").replace(/[\u00AD\u0610-\u061A\u061C\u0640\u064B-\u065F\u0670\u06D6-\u06ED\u200C-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g, "");
  text = text.replace(/[^]/g, function (c) { return fold[c] === undefined ? c : fold[c]; });
  text = text.toLowerCase().replace(/[\u00DF\u1E9E]/g, "ss").replace(/\u03C2/g, "\u03C3");
  text = text.normalize("NFKC").replace(/[\u0300-\u036F]/g, "");
  return text.replace(/[^\p{L}\p{N}_]+/gu, " ").trim();
}
// END newsgenSearchKey

const PAGE_SIZE = 10;
const EXCERPT_WORDS = 30;
const PROCLITICS = ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك"];
const BUNDLE = new URL("../pagefind/", import.meta.url);
const SITE_ROOT = new URL("../", import.meta.url).pathname;

// B6/B7, as newsgen.htmltext._LTR_RE: known-LTR runs (URL | e-mail | phone number | Latin run) of
// article text are wrapped tightly in <span dir="ltr"> here too, so titles and excerpts keep the
// order the article pages show. Keep in step with src/newsgen/htmltext.py.
const LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff";
const LTR_TOKEN = `[0-9]*[${LAT}](?:[${LAT}0-9.'\u2019&/_@:+\\-]*[${LAT}0-9+#])?`;
const LTR_LATIN_RUN = `${LTR_TOKEN}(?:[ ]+${LTR_TOKEN})*`;
const LTR_URL = "(?:https?://|www\\.)[^\\s<>\"]*[^\\s<>\".,;:!?\u060c\u061b\u061f\u2026'\u2019\u201d)\\]}\u00bb]";
const LTR_EMAIL = "[A-Za-z0-9][A-Za-z0-9._%+\\-]*@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}";
const LTR_PHONE = "(?<![0-9A-Za-z+])\\+?[0-9]{1,4}(?:[ \u00a0-][0-9]{1,6}){2,}(?![0-9])";
const LTR_RE = new RegExp(
  `(?=[${LAT}0-9+])(?:${LTR_URL}|${LTR_EMAIL}|${LTR_PHONE}|(?<![0-9])(?:${LTR_LATIN_RUN}))`, "gu");

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const numbers = new Intl.NumberFormat(form.dataset.digits === "arab" ? "ar-u-nu-arab" : "ar-u-nu-latn");

let pagefindReady = null;
let current = { id: 0, hits: [], shown: 0, terms: [] };
let timer = 0;

function loadPagefind() {
  if (!pagefindReady) {
    pagefindReady = import(new URL("pagefind.js", BUNDLE).href).then(async (pagefind) => {
      await pagefind.options({ baseUrl: SITE_ROOT, excerptLength: EXCERPT_WORDS });
      await pagefind.init();
      return pagefind;
    });
  }
  return pagefindReady;
}

function say(...parts) {
  status.replaceChildren(...parts.map((p) => (typeof p === "string" ? document.createTextNode(p) : p)));
}

function bdi(text) {
  const node = document.createElement("bdi");
  node.textContent = text;
  return node;
}

// DOM nodes for `text` (from the index: only ever set as textContent, never parsed as HTML): each
// B6/B7 run in a <span dir="ltr">, and the [start, end) ranges of `marks` (sorted, disjoint) in
// <mark>. A mark that crosses a span edge is cut there, so it sits inside or beside the span.
function inlineNodes(text, marks = []) {
  const nodes = [];
  const marked = (from, to, into) => {
    let at = from;
    for (const [start, end] of marks) {
      if (end <= at || start >= to) continue;
      const a = Math.max(start, at), b = Math.min(end, to);
      if (a > at) into.push(document.createTextNode(text.slice(at, a)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      into.push(mark);
      at = b;
    }
    if (to > at) into.push(document.createTextNode(text.slice(at, to)));
  };
  let pos = 0;
  for (const match of text.matchAll(LTR_RE)) {
    const end = match.index + match[0].length;
    marked(pos, match.index, nodes);
    const span = document.createElement("span");
    span.dir = "ltr";
    const inner = [];
    marked(match.index, end, inner);
    span.append(...inner);
    nodes.push(span);
    pos = end;
  }
  marked(pos, text.length, nodes);
  return nodes;
}

// A <bdi> holding `text` with its B6/B7 runs isolated.
function richBdi(text) {
  const node = document.createElement("bdi");
  node.append(...inlineNodes(text));
  return node;
}

// The result's address percent-encoded like every other link of the site: raw characters (Arabic
// path segments) through encodeURI, %XX escapes already there kept as they are (no double encoding).
function encodeHref(url) {
  try {
    return url.split(/(%[0-9A-Fa-f]{2})/).map((part, i) => (i % 2 ? part : encodeURI(part))).join("");
  } catch (error) {  // a lone surrogate: leave the address to the browser
    return url;
  }
}

// K3: search the K1-folded query (it meets the data-k alias of title and summary) and, when typing
// differs, the query as typed (it meets Pagefind's own tokens of the body, e.g. غزة). Merge by page.
async function runSearch(query) {
  const id = ++current.id;
  const folded = newsgenSearchKey(query);
  const raw = query.trim();
  if (!folded) {
    current = { id, hits: [], shown: 0, terms: [] };
    list.replaceChildren();
    more.hidden = true;
    say("");
    list.setAttribute("aria-busy", "false");
    return;
  }
  say("جارٍ البحث…");
  list.setAttribute("aria-busy", "true");
  let pagefind;
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    if (id === current.id) {
      say("تعذّر تحميل فهرس البحث.");
      list.setAttribute("aria-busy", "false");
    }
    return;
  }
  const queries = raw && raw !== folded ? [folded, raw] : [folded];
  const answers = await Promise.all(queries.map((q) => pagefind.search(q)));
  if (id !== current.id) return;  // a newer query has started
  const byId = new Map();
  for (const answer of answers) {
    for (const result of answer.results) {
      const hit = byId.get(result.id);
      if (hit) {
        hit.score = Math.max(hit.score, result.score);
        hit.results.push(result);
      } else {
        byId.set(result.id, { score: result.score, results: [result] });
      }
    }
  }
  const hits = [...byId.values()].sort((a, b) => b.score - a.score);
  current = { id, hits, shown: 0, terms: folded.split(" ").filter((t) => t.length > 1) };
  list.replaceChildren();
  if (!hits.length) {
    say("لا نتائج للبحث عن ", bdi(raw), ".");
    more.hidden = true;
  } else {
    say("عدد النتائج: " + numbers.format(hits.length));
    await showMore();
  }
  if (id === current.id) list.setAttribute("aria-busy", "false");
}

async function showMore() {
  const { id, hits } = current;
  more.disabled = true;
  const batch = hits.slice(current.shown, current.shown + PAGE_SIZE);
  const items = await Promise.all(batch.map(async (hit) => {
    // Pagefind hands out one shared object per page and overwrites its locations on each data()
    // call, so one page's results are read one after the other, copying right after each await.
    let page = null;
    const locations = new Set();
    for (const result of hit.results) {
      const data = await result.data();
      page = page || { url: data.url, content: data.content, meta: { ...data.meta } };
      for (const at of data.locations || []) locations.add(at);
    }
    return renderHit(page, locations);
  }));
  if (id !== current.id) return;
  current.shown += batch.length;
  list.append(...items);
  more.disabled = false;
  more.hidden = current.shown >= hits.length;
}

function renderHit(page, locations) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  heading.className = "search-result-title";
  const link = document.createElement("a");
  link.href = encodeHref(page.url);
  link.append(richBdi(page.meta.title || page.url));
  heading.append(link);
  item.append(heading);
  if (page.meta.date) {
    const date = document.createElement("p");
    date.className = "meta";
    date.append(bdi(page.meta.date));
    item.append(date);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.dir = "auto";
  excerpt.append(...excerptNodes(page, locations));
  item.append(excerpt);
  return item;
}

// Words of the page text as Pagefind counts them (its locations index this list).
function words(content) {
  return content.split(/[\r\n\s]+/g);
}

function sameWords(list, at, wanted) {
  const bare = (w) => w.replace(/\.+$/, "");  // Pagefind ends each block's text with "."
  return wanted.every((w, i) => at + i < list.length && bare(list[at + i]) === bare(w));
}

function spanOf(all, text, from) {
  const wanted = (text || "").split(/\s+/).filter(Boolean);
  if (!wanted.length) return null;
  for (let at = from; at + wanted.length <= all.length; at++) {
    if (sameWords(all, at, wanted)) return [at, at + wanted.length];
  }
  return null;
}

// Words not to show in the excerpt. The K3 alias is indexed text, so Pagefind returns it inside
// `content` (spec K3 caveat): found through the `k` meta (data-pagefind-meta="k[data-k]"), else taken
// to be whatever comes before the title. The title right after it is the result's heading already.
function hiddenSpan(all, meta) {
  const alias = spanOf(all, meta.k, 0);
  if (alias) {
    const title = spanOf(all, meta.title, alias[1]);
    return [alias[0], title && title[0] === alias[1] ? title[1] : alias[1]];
  }
  const title = spanOf(all, meta.title, 0);
  return title ? [0, title[1]] : [0, 0];
}

function matchesTerm(word, terms) {
  for (const key of newsgenSearchKey(word).split(" ")) {
    for (const term of terms) {
      if (key.startsWith(term)) return true;
      for (const p of PROCLITICS) {
        if (key.startsWith(p) && key.slice(p.length).startsWith(term)) return true;
      }
    }
  }
  return false;
}

function excerptNodes(page, locations) {
  const all = words(page.content);
  const [from, to] = hiddenSpan(all, page.meta);
  const shown = [];
  all.forEach((text, at) => {
    if (text && (at < from || at >= to)) {
      shown.push({ text, hit: locations.has(at) || matchesTerm(text, current.terms) });
    }
  });
  // The window of EXCERPT_WORDS words with the most hits, the earliest on a tie.
  let best = 0, bestCount = -1, count = 0;
  for (let i = 0; i < shown.length; i++) {
    count += shown[i].hit ? 1 : 0;
    if (i >= EXCERPT_WORDS) count -= shown[i - EXCERPT_WORDS].hit ? 1 : 0;
    const start = Math.max(0, i - EXCERPT_WORDS + 1);
    if (count > bestCount) { bestCount = count; best = start; }
  }
  const window = shown.slice(best, best + EXCERPT_WORDS);
  // The excerpt as one string (B6/B7 runs may span several words) with the [start, end) ranges of
  // the marked words; punctuation glued to a word (غزة، “غزة”) stays outside its mark.
  let text = best > 0 ? "… " : "";
  const marks = [];
  window.forEach((word, i) => {
    if (i) text += " ";
    if (word.hit) {
      const [, before, core] = word.text.match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u);
      const start = text.length + (core ? before.length : 0);
      marks.push([start, start + (core || word.text).length]);
    }
    text += word.text;
  });
  if (best + EXCERPT_WORDS < shown.length) text += " …";
  return inlineNodes(text, marks);
}

function remember(query) {
  const url = new URL(window.location.href);
  if (query.trim()) url.searchParams.set("q", query.trim());
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
}

input.addEventListener("input", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    remember(input.value);
    runSearch(input.value);
  }, 200);
});
input.addEventListener("focus", () => { loadPagefind().catch(() => {}); }, { once: true });
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(timer);
  remember(input.value);
  runSearch(input.value);
});
more.addEventListener("click", () => { showMore(); });

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  runSearch(initial);
}
