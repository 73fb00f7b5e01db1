#include "serve/assets.hpp"

namespace runbook::serve {

namespace {

// Readable without colour: every state is also a word. One column on a phone.
constexpr std::string_view style_css = R"CSS(
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #111; background: #fff; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5em; padding: .5em 1em;
         border-bottom: 2px solid #333; }
header .home { font-weight: bold; text-decoration: none; color: #111; }
main { padding: .5em 1em; max-width: 72em; }
a { color: #0645ad; }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f90; outline-offset: 1px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #ccc; vertical-align: top; }
.status { font-weight: bold; }
.status-failed, .status-aborted, .status-rollback_failed { color: #a00; }
.status-completed { color: #060; }
pre, .timeline { font: 13px/1.35 ui-monospace, monospace; overflow-x: auto; white-space: pre; }
.timeline { max-height: 28em; overflow-y: auto; border: 1px solid #ccc; padding: .5em; }
section { margin: 1em 0; }
.actions form { display: inline-block; margin: .25em .5em .25em 0; padding: .5em; border: 1px solid #ccc; }
.current { background: #ffe9a8; font-weight: bold; }
.notice { border: 2px solid #333; padding: .5em; }
svg.chart { width: 100%; max-width: 32em; height: 6em; border: 1px solid #ccc; }
.plan svg { max-width: 100%; height: auto; }
form.filters { display: flex; flex-wrap: wrap; gap: .5em; align-items: end; }
@media (max-width: 40em) {
  table.runs thead { display: none; }
  table.runs td { display: block; border: 0; padding: .1em .25em; }
  table.runs tr { display: block; border-bottom: 1px solid #999; padding: .4em 0; }
  table.runs td::before { content: attr(data-label) ": "; font-weight: bold; }
}
)CSS";

// Live updates: new journal events arrive by Server-Sent Events; each is
// appended to the timeline and the run's state block is fetched again
// (rendered by the server, like the first page: one place draws it).
constexpr std::string_view live_js = R"JS(
(function () {
  var root = document.getElementById('live');
  if (!root || !window.EventSource) return;
  var run = root.getAttribute('data-run');
  var after = root.getAttribute('data-after');
  var timeline = document.getElementById('timeline');
  // One fetch at a time; events during it ask for one more after it.
  var fetching = false, again = false;
  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    setTimeout(function () {
      fetch('/runs/' + encodeURIComponent(run) + '/state', {credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var state = document.getElementById('state');
          // Not while someone is in one of its forms: their choice stays.
          var focused = document.activeElement && document.activeElement !== document.body &&
                        state.contains(document.activeElement);
          if (html !== null && !focused) state.innerHTML = html;
          else if (html !== null) again = true;
        }, function () {})
        .then(function () {
          fetching = false;
          if (again) { again = false; refresh(); }
        });
    }, 300);
  }
  var source = new EventSource('/runs/' + encodeURIComponent(run) + '/events?after=' + encodeURIComponent(after));
  source.addEventListener('journal', function (e) {
    var line = document.createElement('div');
    line.textContent = JSON.parse(e.data).line;
    timeline.appendChild(line);
    timeline.scrollTop = timeline.scrollHeight;
    refresh();
  });
  // The run ended and every event was sent: nothing more will come.
  source.addEventListener('end', function () { source.close(); refresh(); });
})();
)JS";

}  // namespace

std::optional<Asset> find_asset(std::string_view path)
{
   if (path == "/assets/style.css") return Asset{"text/css; charset=utf-8", style_css};
   if (path == "/assets/live.js") return Asset{"text/javascript; charset=utf-8", live_js};
   return std::nullopt;
}

}  // namespace runbook::serve
