/* wensou (文搜): conveniences where JavaScript runs. Every feature also works without it:
 * - "/" focuses the search box;
 * - results update as you type (debounced, over /api/search); Enter still loads the full page;
 * - "更多…" expands a facet in place, and the finder box filters a facet's list as you type;
 * - on an article, 上一处 / 下一处 step through the marked matches.
 * HTML from the API (title_html, snippet) is the engine's escaped text with <mark> only; every
 * other value is set as text. No inline script: the page's CSP allows this file alone. */
(function () {
  "use strict";

  var box = document.getElementById("q");

  // The advanced form's answer: show the ordinary search URL (the written query) in the address bar.
  var canonical = document.querySelector('link[rel="canonical"]');
  if (canonical && canonical.getAttribute("href").charAt(0) === "/") {
    history.replaceState(null, "", canonical.getAttribute("href"));
  }

  // "/" anywhere but in a text field focuses the search box.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || !box) return;
    var t = ev.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // An article's page, carrying the search it was found by (its 返回搜索结果 link comes back).
  function articleHref(base, id, p) {
    // an id that is "." or ".." whole goes in the query (no path carries it: search_web.urls.DOT_IDS)
    if (id === "." || id === "..") {
      var q = new URLSearchParams(p);
      return base + "?" + new URLSearchParams([["id", id]].concat(Array.from(q.entries()))).toString();
    }
    // an id with a "." / ".." / empty segment is one segment ("/" as %2F): a browser would
    // resolve it away (search_web.urls.ArticleIdConverter writes the same links)
    var segments = id.split("/");
    var whole = segments.some(function (s) { return s === "" || s === "." || s === ".."; });
    var path = base + (whole ? encodeURIComponent(id) : segments.map(encodeURIComponent).join("/"));
    var query = p.toString();
    return query ? path + "?" + query : path;
  }

  // `p` with `name` set to `value`, or left out when that is the default.
  function withParam(p, name, value, dflt) {
    var c = new URLSearchParams(p);
    c.delete(name);
    if (value !== dflt && value !== "" && value !== null && value !== undefined) c.set(name, String(value));
    return c;
  }

  function without(p, names) {
    var c = new URLSearchParams(p);
    names.forEach(function (n) { c.delete(n); });
    return c;
  }

  function withQuery(base, p) {
    var query = p.toString();
    return query ? base + "?" + query : base;
  }

  var SORTS = [["relevance", "相关度"], ["newest", "最新"], ["oldest", "最早"]];

  // ---------------------------------------------------------------- live results
  var area = document.getElementById("hits-area");
  var form = box && box.form;
  if (box && form && area && box.dataset.live) {
    var timer = null;
    var pending = null;
    var last = box.value;
    var pageUrl = form.getAttribute("action") || "/";
    var bar0 = document.getElementById("toolbar");
    var articleBase = (bar0 && bar0.dataset.article) || "/articles/";

    var params = function () {
      var p = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.type !== "submit" && input.name !== "page") p.append(input.name, input.value);
      });
      return p;
    };

    // The toolbar (sort, page size, exports) for the new query, as the page would draw it.
    var toolbar = function (data, p) {
      var bar = document.getElementById("toolbar");
      if (!bar) return;
      bar.hidden = !data.total;
      var sortNav = bar.querySelector("nav.sort");
      if (sortNav) {
        var asked = p.get("sort") || "relevance";
        var ranked = data.query.trim() && !(asked === "relevance" && data.sort !== "relevance");
        sortNav.textContent = "排序：";
        SORTS.filter(function (s) { return ranked || s[0] !== "relevance"; }).forEach(function (s, i, all) {
          if (s[0] === data.sort) {
            var cur = el("strong", null, s[1]);
            cur.setAttribute("aria-current", "true");
            sortNav.appendChild(cur);
          } else {
            var a = el("a", null, s[1]);
            a.href = withQuery(pageUrl, withParam(p, "sort", s[0], "relevance"));
            sortNav.appendChild(a);
          }
          if (i < all.length - 1) sortNav.appendChild(document.createTextNode(" · "));
        });
      }
      var perNav = bar.querySelector("nav.per-page");
      if (perNav) {
        var sizes = Array.prototype.map.call(perNav.querySelectorAll("a, strong"), function (x) { return x.textContent.trim(); });
        perNav.textContent = "每页：";
        sizes.forEach(function (n, i) {
          if (String(data.per_page) === n) {
            var cur = el("strong", null, n);
            cur.setAttribute("aria-current", "true");
            perNav.appendChild(cur);
          } else {
            var a = el("a", null, n);
            a.href = withQuery(pageUrl, withParam(p, "per_page", n, "10"));
            a.setAttribute("aria-label", "每页 " + n + " 条");
            perNav.appendChild(a);
          }
          if (i < sizes.length - 1) perNav.appendChild(document.createTextNode(" · "));
        });
      }
      var json = bar.querySelector("a.export-json");
      if (json) json.href = withQuery(box.dataset.live, p);
      var csvLink = bar.querySelector("a.export-csv");
      if (csvLink) csvLink.href = withQuery(bar.dataset.csv, without(p, ["per_page", "facet_size", "page"]));
      var atom = withQuery(bar.dataset.atom, without(p, ["per_page", "facet_size", "page", "sort"]));
      var atomLink = bar.querySelector("a.export-atom");
      if (atomLink) atomLink.href = atom;
      var kwic = bar.querySelector("a.kwic-link");
      if (kwic) kwic.href = withQuery(bar.dataset.kwic, without(p, ["per_page", "facet_size", "page", "sort"]));
      var save = bar.querySelector("a.save-link");
      if (save) save.href = withQuery(bar.dataset.saved, without(p, ["per_page", "facet_size", "page", "sort"]));
      var feed = document.querySelector('head link[type="application/atom+xml"]');
      if (feed) feed.setAttribute("href", atom);
    };

    // What the page drew for its own query beside the results (the facets and their finders,
    // the charts, the date form, the chips, 在结果中搜索, the filter hints) follows the query the
    // live results show: a click there never drops the words typed since (the counts stay the old
    // query's, dimmed, until that page loads).
    var follow = function (p) {
      var q = p.get("q") || "";
      var beside = function (node) { return !area.contains(node) && !form.contains(node); };
      Array.prototype.forEach.call(document.querySelectorAll("main a[href]"), function (a) {
        if (!beside(a)) return;
        var url = new URL(a.getAttribute("href"), location.href);
        if (url.origin !== location.origin || url.pathname !== pageUrl || !url.search) return;
        if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
        a.setAttribute("href", url.pathname + url.search + url.hash);
      });
      Array.prototype.forEach.call(document.querySelectorAll("main form"), function (f) {
        if (!beside(f) || (f.getAttribute("method") || "get").toLowerCase() !== "get") return;
        if (new URL(f.getAttribute("action") || location.href, location.href).pathname !== pageUrl) return;
        var input = f.querySelector('input[name="q"]');
        if (!input) {
          input = el("input");
          input.type = "hidden";
          input.name = "q";
          f.insertBefore(input, f.firstChild);
        }
        input.value = q;
      });
      var variants = document.getElementById("variants");
      if (variants) variants.hidden = true;  // the other wording the old query added
    };

    var render = function (data, p) {
      var total = document.getElementById("total");
      if (total) total.textContent = String(data.total);
      var withinHint = document.getElementById("within-hint");
      if (withinHint) withinHint.textContent = "只保留这 " + data.total + " 条中也符合所填词语的（二次检索）";
      var pages = document.getElementById("pages-line");
      if (pages) pages.textContent = data.total ? "，第 " + data.page + " / " + data.pages + " 页" : "";
      var storiesLine = document.getElementById("stories-line");
      if (storiesLine) {
        storiesLine.textContent = "";
        if (data.stories < data.total) {
          var n = el("span", null, String(data.stories));
          n.id = "stories";
          var all = el("a", null, "逐篇列出");
          all.href = withQuery(pageUrl, withParam(p, "collapse", "0", ""));
          storiesLine.appendChild(document.createTextNode("；相同报道合并后 "));
          storiesLine.appendChild(n);
          storiesLine.appendChild(document.createTextNode(" 篇（"));
          storiesLine.appendChild(all);
          storiesLine.appendChild(document.createTextNode("）"));
        }
      }
      toolbar(data, p);
      var took = document.getElementById("took");
      if (took) took.textContent = String(data.took_ms);
      var notice = document.getElementById("notice");
      if (notice) {  // why nothing was searched, an operator read as text, a filter naming no value
        notice.textContent = data.notice || "";
        notice.hidden = !data.notice;
      }
      var sq = document.getElementById("summary-query");
      var shown = data.query.length > 40 ? data.query.slice(0, 40) + "…" : data.query;
      if (sq) sq.textContent = data.query ? "「" + shown + "」" : "全部文章";
      area.textContent = "";
      if (!data.hits.length) {
        var none = el("div", "empty");
        none.id = "no-results";
        none.appendChild(el("h2", null, "没有找到相关文章"));
        none.appendChild(el("p", null, "可以换个说法，或者按回车查看放宽条件的建议。"));
        area.appendChild(none);
      } else {
        var ol = el("ol", "hits");
        data.hits.forEach(function (hit) {
          var li = el("li", "hit");
          var h = el("h2", "hit-title");
          var a = el("a");
          a.href = articleHref(articleBase, hit.id, p);
          a.innerHTML = hit.title_html || "";
          if (!hit.title_html) a.textContent = hit.title || hit.id;
          h.appendChild(a);
          li.appendChild(h);
          var meta = [hit.date, hit.source, (hit.authors || []).join("、"), hit.column].filter(Boolean);
          li.appendChild(el("p", "hit-meta", meta.join(" · ")));
          var sn = el("p", "snippet");
          sn.innerHTML = hit.snippet || "";
          li.appendChild(sn);
          ol.appendChild(li);
        });
        area.appendChild(ol);
      }
      var note = el("p", "live-note");
      var full = el("a", null, data.total > data.hits.length
        ? "查看完整结果（共 " + data.total + " 条，含分页、筛选和图表）"
        : "按回车更新筛选和图表");
      full.href = pageUrl + "?" + p.toString();
      note.appendChild(full);
      area.appendChild(note);
      var aside = document.querySelector("aside.facets");
      if (aside) aside.classList.add("stale");
      follow(p);
    };

    var run = function () {
      var p = params();
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(box.dataset.live + "?" + p.toString(), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          render(data, p);
          history.replaceState(null, "", pageUrl + "?" + p.toString());
        })
        .catch(function () { /* aborted by newer typing, or offline: the form still works */ });
    };

    box.addEventListener("input", function () {
      if (box.value === last) return;
      last = box.value;
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
  }

  // ---------------------------------------------------------------- facets
  Array.prototype.forEach.call(document.querySelectorAll("section.facet"), function (section) {
    var list = section.querySelector("ul.values");
    var more = section.querySelector("a[data-more]");
    var finder = section.querySelector(".finder input[type=search]");
    var items = function () { return Array.prototype.slice.call(list.querySelectorAll("li")); };
    items().forEach(function (li) { if (li.hidden) li.dataset.extra = "1"; });
    var expanded = false;

    var folds = {};  // for the finder: each character that folds to another, with what it folds to
    var addFolds = function (input) {
      try { Object.assign(folds, JSON.parse((input && input.dataset.fold) || "{}")); } catch (e) { /* none */ }
    };
    addFolds(finder);

    // The values the engine left out, from the page "更多…" links to: its links and its finder's
    // fold map, as the server draws them (a value of those may hold a character no value shown holds).
    var addFrom = function (doc) {
      var theirs = doc.getElementById(section.id);
      if (!theirs) return;
      var have = {};
      items().forEach(function (li) { have[li.querySelector(".value").textContent] = true; });
      var dl = finder && document.getElementById(finder.getAttribute("list"));
      Array.prototype.forEach.call(theirs.querySelectorAll("ul.values li"), function (li) {
        var value = li.querySelector(".value");
        if (!value || have[value.textContent]) return;
        var mine = document.importNode(li, true);
        mine.dataset.extra = "1";
        mine.hidden = !expanded;
        list.appendChild(mine);
        if (dl && !li.classList.contains("selected")) {
          var opt = document.createElement("option");
          opt.value = value.textContent;
          dl.appendChild(opt);
        }
      });
      addFolds(theirs.querySelector(".finder input[type=search]"));
      if (finder && finder.value.trim()) finder.dispatchEvent(new Event("input"));
    };

    if (more) {
      more.addEventListener("click", function (ev) {
        ev.preventDefault();
        expanded = !expanded;
        items().forEach(function (li) { if (li.dataset.extra) li.hidden = !expanded; });
        more.textContent = expanded ? "收起" : "更多" + section.querySelector("h2").textContent + "…";
        more.setAttribute("aria-expanded", expanded ? "true" : "false");
        if (expanded && section.dataset.truncated) {
          section.removeAttribute("data-truncated");
          fetch(more.getAttribute("href"), { headers: { Accept: "text/html" } })
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (html) { if (html) addFrom(new DOMParser().parseFromString(html, "text/html")); })
            .catch(function () {});
        }
      });
    }

    if (finder) {
      var folded = function (text) {  // as the filter compares values: scripts and case folded
        return Array.from(text.toLowerCase()).map(function (c) { return folds[c] || c; }).join("");
      };
      finder.addEventListener("input", function () {
        var needle = folded(finder.value.trim());
        items().forEach(function (li) {
          if (!needle) { li.hidden = !!li.dataset.extra && !expanded; return; }
          li.hidden = folded(li.textContent).indexOf(needle) < 0;
        });
      });
    }
  });

  // ---------------------------------------------------------------- matches in an article
  var nav = document.getElementById("matches");
  if (nav) {
    var count = parseInt(nav.dataset.count, 10) || 0;
    var prev = nav.querySelector(".match-prev");
    var next = nav.querySelector(".match-next");
    var label = nav.querySelector(".match-count");
    var current = 0;
    var go = function (n) {
      var old = document.getElementById("m" + current);
      if (old) old.classList.remove("current");
      current = ((n - 1 + count) % count) + 1;
      var m = document.getElementById("m" + current);
      if (!m) return;
      m.classList.add("current");
      m.scrollIntoView({ block: "center" });
      label.textContent = "第 " + current + " / " + count + " 处匹配";
      prev.href = "#m" + (((current - 2 + count) % count) + 1);
      next.href = "#m" + ((current % count) + 1);
      history.replaceState(null, "", "#m" + current);
    };
    prev.addEventListener("click", function (ev) { ev.preventDefault(); go(current ? current - 1 : count); });
    next.addEventListener("click", function (ev) { ev.preventDefault(); go(current + 1); });
    Array.prototype.forEach.call(nav.querySelectorAll(".match-list a"), function (a) {
      a.addEventListener("click", function (ev) { ev.preventDefault(); go(parseInt(a.hash.slice(2), 10)); });
    });
  }
})();
