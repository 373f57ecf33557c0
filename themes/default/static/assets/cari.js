/* laman: site search (default theme). Vanilla JS, no dependencies.
 *
 * Runs only on the search page: it needs the form #form-cari, whose
 * data-index attribute holds the URL of the search index built by
 * src/render/search.rs: {varian, singkatan, kata, p: [{t: title, u: url,
 * d: description, k: kind label, x: text excerpt, st/sf/sb: stems of the
 * title, the typed fields, the body}]}. The index is fetched once, when
 * there is something to search for. The query is normalised like the index
 * (case, accents, PSC119 = PSC 119, spelling variants, stems); every word
 * must match; title matches rank before fields, fields before body. Results
 * are built with textContent and text nodes, never innerHTML, so index text
 * cannot inject markup.
 */
(function () {
  "use strict";

  var form = document.getElementById("form-cari");
  if (!form || !form.getAttribute("data-index") || !window.fetch) {
    return;
  }
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("status-cari");
  var list = document.getElementById("daftar-hasil");
  var MAX = 50;
  var index = null;
  var loading = null;
  var timer = null;

  // The same normalisation as the build (src/render/search.rs): lower
  // case, no diacritics, split at anything that is not a letter or digit
  // and between letters and digits, spelling variants from the index.
  function fold(s) {
    s = String(s || "").toLowerCase();
    if (s.normalize) {
      s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return s;
  }

  function tokens(s) {
    var out = [];
    var parts = fold(s).match(/\p{N}+|\p{L}+/gu) || [];
    for (var i = 0; i < parts.length; i++) {
      var v = index && index.varian[parts[i]];
      if (v) {
        out.push.apply(out, v.split(" "));
      } else {
        out.push(parts[i]);
      }
    }
    return out;
  }

  // Words the site contains get the build's stem (index.kata); others are
  // stripped of common affixes until a stem of the site is found.
  var PREFIX = ["meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "pe",
    "ber", "be", "per", "ter", "di", "ke", "se"];
  var SUFFIX = ["kan", "an", "i", "nya", "lah", "kah", "pun", "ku", "mu"];
  function stem(w) {
    if (w.length <= 4 || /[0-9]/.test(w)) {
      return w;
    }
    if (index.kata[w]) {
      return index.kata[w];
    }
    if (index.stems[w]) {
      return w;
    }
    var cands = [w];
    SUFFIX.forEach(function (x) {
      if (w.length > x.length + 2 && w.slice(-x.length) === x) {
        cands.push(w.slice(0, -x.length));
      }
    });
    var more = [];
    cands.forEach(function (c) {
      PREFIX.forEach(function (x) {
        if (c.length > x.length + 2 && c.indexOf(x) === 0) {
          var r = c.slice(x.length);
          more.push(r);
          if (x === "meny" || x === "peny") { more.push("s" + r); }
          if (x === "mem" || x === "pem") { more.push("p" + r); }
          if (x === "men" || x === "pen") { more.push("t" + r); }
          if (x === "meng" || x === "peng") { more.push("k" + r); }
        }
      });
    });
    cands = cands.concat(more);
    for (var i = 0; i < cands.length; i++) {
      if (index.stems[cands[i]]) {
        return cands[i];
      }
    }
    return w;
  }

  function set(s) {
    var o = Object.create(null);
    String(s || "").split(" ").forEach(function (w) {
      if (w) { o[w] = true; }
    });
    return o;
  }

  function load() {
    if (index) {
      return Promise.resolve(index);
    }
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"), { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) {
            throw new Error("HTTP " + r.status);
          }
          return r.json();
        })
        .then(function (data) {
          var varian = Object.create(null);
          (data.varian || []).forEach(function (v) { varian[v[0]] = v[1]; });
          var stems = Object.create(null);
          var pages = (Array.isArray(data.p) ? data.p : []).map(function (e) {
            var item = { e: e, t: fold(e.t), st: set(e.st), sf: set(e.sf), sb: set(e.sb) };
            [item.st, item.sf, item.sb].forEach(function (z) {
              for (var w in z) { stems[w] = true; }
            });
            return item;
          });
          var kata = Object.create(null);
          var k = data.kata || {};
          Object.keys(k).forEach(function (w) { kata[w] = String(k[w]); stems[kata[w]] = true; });
          index = { p: pages, varian: varian, kata: kata, stems: stems };
          return index;
        })
        .catch(function (err) {
          loading = null;
          throw err;
        });
    }
    return loading;
  }

  function words(q) {
    return tokens(q);
  }

  // 2 for the stem itself in a zone; 1 for a stem that starts with the
  // last word (still being typed, 3 letters or more).
  function zone(z, w, last) {
    if (z[w]) {
      return 2;
    }
    if (last && w.length >= 3) {
      for (var k in z) {
        if (k.indexOf(w) === 0) {
          return 1;
        }
      }
    }
    return 0;
  }

  // Title before fields before body; a whole word before a prefix.
  var WEIGHT = [[0, 8, 100], [0, 2, 20], [0, 0.2, 2]];
  function score(item, stems, phrase) {
    var s = 0;
    for (var i = 0; i < stems.length; i++) {
      var w = stems[i];
      var last = i === stems.length - 1;
      var best = 0;
      [item.st, item.sf, item.sb].forEach(function (z, n) {
        best = Math.max(best, WEIGHT[n][zone(z, w, last)]);
      });
      if (!best) {
        return 0;
      }
      s += best;
    }
    if (stems.length > 1 && item.t.indexOf(phrase) !== -1) {
      s += 50;
    }
    // Between equals, a service standard before news about it, and a
    // short title (more about the query) before a long one.
    if (item.e.k === "Standar Pelayanan") {
      s += 1;
    }
    return s + 1 / (1 + Object.keys(item.st).length);
  }

  function search(q) {
    var ws = words(q);
    var stems = ws.map(stem);
    var phrase = ws.join(" ");
    var found = [];
    for (var i = 0; i < index.p.length; i++) {
      var s = score(index.p[i], stems, phrase);
      if (s > 0) {
        found.push({ s: s, e: index.p[i].e });
      }
    }
    found.sort(function (a, b) {
      return b.s - a.s || String(a.e.t).localeCompare(String(b.e.t), "id");
    });
    found.stems = stems;
    return found;
  }

  // The description (or the excerpt, when it says more about the query),
  // with the words that match the query marked. Built from text nodes.
  function snippet(e, stems) {
    var want = Object.create(null);
    stems.forEach(function (w) { want[w] = true; });
    function hits(text) {
      return (String(text || "").match(/\S+/g) || []).filter(function (w) {
        return tokens(w).some(function (t) { return want[stem(t)]; });
      }).length;
    }
    var text = e.d || "";
    if (e.x && hits(e.x) > hits(text)) {
      text = e.x;
    }
    var p = document.createElement("p");
    String(text).split(/(\s+)/).forEach(function (part) {
      var hit = part.trim() && tokens(part).some(function (t) { return want[stem(t)]; });
      if (hit) {
        var m = document.createElement("mark");
        m.textContent = part;
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(part));
      }
    });
    return p;
  }

  function render(q, found) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var shown = found.slice(0, MAX);
    shown.forEach(function (f) {
      var e = f.e;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.u;
      a.className = "hasil-judul";
      a.textContent = e.t || e.u;
      li.appendChild(a);
      if (e.k) {
        var k = document.createElement("span");
        k.className = "meta";
        k.textContent = " · " + e.k;
        li.appendChild(k);
      }
      if (e.d || e.x) {
        li.appendChild(snippet(e, found.stems));
      }
      list.appendChild(li);
    });
    var msg;
    if (found.length === 0) {
      msg = "Tidak ada hasil untuk “" + q + "”. Coba kata lain atau telusuri menu utama.";
    } else if (found.length > MAX) {
      msg = found.length + " hasil untuk “" + q + "”; " + MAX + " teratas ditampilkan.";
    } else {
      msg = found.length + " hasil untuk “" + q + "”";
    }
    status.textContent = msg;
  }

  function run(q, push) {
    q = String(q || "").trim();
    if (push && window.history && history.replaceState) {
      var url = new URL(window.location.href);
      if (q) {
        url.searchParams.set("q", q);
      } else {
        url.searchParams.delete("q");
      }
      history.replaceState(null, "", url.toString());
    }
    if (!q) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      status.textContent = "";
      return;
    }
    if (words(q).length === 0) {
      return;
    }
    if (!index) {
      status.textContent = "Memuat indeks pencarian…";
    }
    load().then(function () {
      if (input.value.trim() === q) {
        render(q, search(q));
      }
    }, function () {
      status.textContent = "Indeks pencarian tidak dapat dimuat. Periksa koneksi Anda lalu coba lagi, atau telusuri menu utama.";
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    run(input.value, true);
  });

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      run(input.value, true);
    }, 400);
  });

  var first = new URLSearchParams(window.location.search).get("q");
  if (first) {
    input.value = first;
    run(first, false);
  }
})();
