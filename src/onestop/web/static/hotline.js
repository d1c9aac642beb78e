// 12345 话务台: routing suggestions and knowledge-base answers as the operator types (same-origin API, GET only).
(function () {
  "use strict";
  var text = document.getElementById("f-text");
  if (!text) { return; }
  var lead = document.getElementById("f-lead");
  var address = document.getElementById("f-address");
  var suggested = document.getElementById("f-suggested");
  var box = document.getElementById("suggestions");
  var status = document.getElementById("suggest-status");
  var kbQuery = document.getElementById("kb-q");
  var kbList = document.getElementById("kb-results");
  var kbField = document.getElementById("f-kb");
  var answer = document.getElementById("do-answer");
  var timer = null;
  var kbTouched = false;

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; });
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function showSuggestions(items) {
    clear(box);
    suggested.value = items.map(function (s) { return s.unit_id; }).join(",");
    items.forEach(function (s, i) {
      var label = document.createElement("label");
      label.className = "suggestion";
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "suggestion";
      radio.value = String(s.unit_id);
      radio.setAttribute("data-unit", String(s.unit_id));
      radio.addEventListener("change", function () { lead.value = radio.value; });
      if (i === 0 && !lead.value) { radio.checked = true; lead.value = radio.value; }
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + s.name + " " + Math.round(s.score * 100) + "%"));
      box.appendChild(label);
    });
    status.textContent = items.length ? "按诉求内容推荐，可改选" : "暂无推荐";
  }

  function showAnswers(hits) {
    clear(kbList);
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.setAttribute("data-entry", String(h.entry.id));
      var q = document.createElement("strong");
      q.textContent = h.entry.question;
      var a = document.createElement("p");
      a.textContent = h.entry.answer;
      var use = document.createElement("button");
      use.type = "button";
      use.className = "use-answer";
      use.textContent = "选用此答案";
      use.addEventListener("click", function () {
        kbField.value = String(h.entry.id);
        answer.disabled = false;
        Array.prototype.forEach.call(kbList.children, function (n) { n.classList.remove("chosen"); });
        li.classList.add("chosen");
      });
      li.appendChild(q); li.appendChild(a); li.appendChild(use);
      kbList.appendChild(li);
    });
  }

  function searchKb(q) {
    if (!q.trim()) { clear(kbList); return; }
    get("/api/v1/hotline/kb/search?k=5&q=" + encodeURIComponent(q.slice(0, 400))).then(showAnswers);
  }

  function refresh() {
    var q = text.value.trim();
    if (!q) { return; }
    // The place counts too: a town's own streets point to the town.
    var where = address ? address.value.trim() : "";
    get("/api/v1/hotline/suggest?text=" + encodeURIComponent((where + " " + q).slice(0, 3000))).then(showSuggestions);
    if (!kbTouched) { kbQuery.value = q.slice(0, 200); searchKb(q); }
  }

  text.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 300);
  });
  kbQuery.addEventListener("input", function () {
    kbTouched = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { searchKb(kbQuery.value); }, 250);
  });
  if (text.value.trim()) { refresh(); }
}());
