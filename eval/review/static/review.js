// Keys for the review page. The page works without this file (plain forms); it only adds
// moving between pairs and deciding from the keyboard. It reads no article text.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.pair"));
  if (!rows.length) {
    return;
  }
  var current = -1;

  function mark(index) {
    if (current >= 0) {
      rows[current].classList.remove("current");
    }
    current = index;
    rows[current].classList.add("current");
  }

  // `moved` is false for the first selection: the address is left alone until the editor moves, as
  // a changed address before the page has loaded would make the browser scroll to it
  function select(index, moved) {
    if (index < 0 || index >= rows.length) {
      return;
    }
    mark(index);
    rows[index].focus({preventScroll: true});
    if (moved !== false) {
      rows[index].scrollIntoView({block: "nearest"});
      history.replaceState(null, "", "#" + rows[index].id);
    }
  }

  function press(action) {
    var button = rows[current].querySelector('button[value="' + action + '"]');
    button.form.requestSubmit(button);
  }

  function edit() {
    var details = rows[current].querySelector("details");
    details.open = true;
    var area = details.querySelector("textarea");
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  var keys = {
    j: function () { select(current + 1); },
    ArrowDown: function () { select(current + 1); },
    k: function () { select(current - 1); },
    ArrowUp: function () { select(current - 1); },
    a: function () { press("accept"); },
    m: function () { press("use_mt"); },
    x: function () { press("misaligned"); },
    b: function () { press("boilerplate"); },
    e: edit
  };

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.tagName === "TEXTAREA") {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.name === "english") {
        event.preventDefault();
        press("edit");
      } else if (event.key === "Escape") {
        select(current);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || target.tagName === "INPUT" || target.tagName === "SELECT") {
      return;
    }
    var action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current !== index) {
        mark(index);
        history.replaceState(null, "", "#" + row.id);
      }
    });
    row.addEventListener("click", function (event) {
      if (!event.target.closest("button, textarea, summary, a")) {
        select(index);
      }
    });
  });

  // the browser scrolls to the pair named in the address, if any
  var start = rows.findIndex(function (row) { return "#" + row.id === location.hash; });
  select(start >= 0 ? start : 0, false);
  document.documentElement.classList.add("keys-ready");
})();
