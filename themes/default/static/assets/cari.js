/* laman: site search (default theme). Vanilla JS, no dependencies.
 *
 * Runs only on the search page: it needs the form #form-cari, whose
 * data-index attribute holds the URL of the search index (a JSON array of
 * {t: title, u: url, d: description, k: kind label, x: text excerpt}).
 * The index is fetched once, when there is something to search for.
 * Every word must match (case- and accent-insensitive) in t, d or x;
 * title matches rank first. Results are built with textContent, never
 * innerHTML, so index text cannot inject markup.
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

  function normal(s) {
    s = String(s || "").toLowerCase();
    if (s.normalize) {
      s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return s;
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
          index = (Array.isArray(data) ? data : []).map(function (e) {
            return {
              e: e,
              t: normal(e.t),
              d: normal(e.d),
              x: normal(e.x)
            };
          });
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
    return normal(q).split(/[\s,.;:!?()"'\/]+/).filter(function (w) {
      return w.length > 0;
    });
  }

  function score(item, ws, phrase) {
    var s = 0;
    for (var i = 0; i < ws.length; i++) {
      var w = ws[i];
      var inT = item.t.indexOf(w) !== -1;
      var inD = item.d.indexOf(w) !== -1;
      var inX = item.x.indexOf(w) !== -1;
      if (!inT && !inD && !inX) {
        return 0;
      }
      if (inT) {
        s += 100;
        if (item.t.indexOf(w) === 0) {
          s += 10;
        }
      }
      if (inD) {
        s += 10;
      }
      if (inX) {
        s += 1;
      }
    }
    if (ws.length > 1 && item.t.indexOf(phrase) !== -1) {
      s += 50;
    }
    return s;
  }

  function search(q) {
    var ws = words(q);
    var phrase = ws.join(" ");
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], ws, phrase);
      if (s > 0) {
        found.push({ s: s, e: index[i].e });
      }
    }
    found.sort(function (a, b) {
      return b.s - a.s || String(a.e.t).localeCompare(String(b.e.t), "id");
    });
    return found;
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
      if (e.d) {
        var p = document.createElement("p");
        p.textContent = e.d;
        li.appendChild(p);
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
