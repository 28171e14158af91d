/// The console's page and style sheet: static, embedded in the binary, served at `/_trident/console`
/// (its script, `ConsoleScript`, at `/_trident/console/console.js`). The page talks to the
/// DynamoDB API at `/` and to the admin API, like any other client.
enum ConsoleAssets {
    static let page = Array(html.utf8)
    static let script = Array(ConsoleScript.source.utf8)

    private static let html = ##"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Trident console</title>
        <link rel="icon" href="data:,">
        <style>
        :root { --ink:#1d2330; --muted:#667085; --line:#d9dee7; --panel:#f6f8fb; --accent:#0b6bcb; --bad:#c4320a; --good:#067647; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui, sans-serif; color:var(--ink); background:#fff; }
        header { display:flex; gap:16px; align-items:center; padding:8px 16px; border-bottom:1px solid var(--line); background:var(--panel); }
        header h1 { font-size:16px; margin:0 12px 0 0; }
        header .clock { margin-left:auto; display:flex; gap:6px; align-items:center; }
        main { display:grid; grid-template-columns:280px 1fr; min-height:calc(100vh - 45px); }
        aside { border-right:1px solid var(--line); padding:12px; background:var(--panel); }
        section { padding:12px 16px; }
        h2 { font-size:15px; margin:8px 0; }
        h3 { font-size:13px; margin:12px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
        ul.tables { list-style:none; padding:0; margin:8px 0; }
        ul.tables li { padding:6px 8px; border-radius:6px; cursor:pointer; display:flex; justify-content:space-between; gap:6px; }
        ul.tables li:hover { background:#e8eef7; }
        ul.tables li.selected { background:var(--accent); color:#fff; }
        ul.tables li small { opacity:.75; }
        input, select, button, textarea { font:inherit; }
        input, select { padding:3px 6px; border:1px solid var(--line); border-radius:4px; }
        input[type=number] { width:80px; }
        button { padding:3px 10px; border:1px solid var(--accent); background:#fff; color:var(--accent); border-radius:4px; cursor:pointer; }
        button.primary { background:var(--accent); color:#fff; }
        button.danger { border-color:var(--bad); color:var(--bad); }
        button:disabled { opacity:.4; cursor:default; }
        form.stack { display:grid; gap:6px; }
        form.stack label { display:grid; gap:2px; font-size:12px; color:var(--muted); }
        table.grid { border-collapse:collapse; width:100%; margin:6px 0; }
        table.grid th, table.grid td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
        table.grid th { font-weight:600; color:var(--muted); font-size:12px; }
        table.grid tr.clickable:hover td { background:#f0f4fa; cursor:pointer; }
        .tabs { display:flex; gap:4px; border-bottom:1px solid var(--line); margin:8px 0; }
        .tabs button { border:none; border-bottom:2px solid transparent; border-radius:0; color:var(--muted); }
        .tabs button.active { border-bottom-color:var(--accent); color:var(--ink); }
        .facts { display:grid; grid-template-columns:max-content 1fr; gap:2px 12px; }
        .facts dt { color:var(--muted); }
        .facts dd { margin:0; }
        .row { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin:6px 0; }
        textarea { width:100%; min-height:220px; font:12px/1.4 ui-monospace, monospace; border:1px solid var(--line); border-radius:4px; padding:6px; }
        .panels { border-top:1px solid var(--line); margin-top:16px; }
        #zones td { white-space:nowrap; }
        .zone-actions { white-space:nowrap; }
        .zone-actions input { width:64px; margin-left:6px; }
        .state-up { color:var(--good); font-weight:600; }
        .state-down { color:var(--bad); font-weight:600; }
        .countdown { font-variant-numeric:tabular-nums; font-weight:600; }
        .expired { color:var(--bad); }
        #status { min-height:20px; color:var(--muted); font-size:12px; }
        #status.error { color:var(--bad); }
        canvas { width:100%; height:140px; border:1px solid var(--line); border-radius:4px; background:#fff; }
        .legend { font-size:12px; color:var(--muted); }
        .legend span { display:inline-block; width:10px; height:3px; margin:0 4px 2px 10px; vertical-align:middle; }
        .muted { color:var(--muted); }
        .hidden { display:none; }
        </style>
        </head>
        <body>
        <header>
          <h1>Trident</h1>
          <span id="summary" class="muted"></span>
          <div class="clock">
            <span class="muted">clock</span> <strong id="clock-now">–</strong> <span id="clock-mode" class="muted"></span>
            <input id="clock-advance-seconds" type="number" min="1" value="60" title="seconds">
            <button id="clock-advance">Advance</button>
          </div>
        </header>
        <main>
          <aside>
            <h2>Tables <small id="table-count" class="muted"></small></h2>
            <input id="table-filter" placeholder="name starts with…" style="width:100%">
            <ul id="tables" class="tables"></ul>
            <div class="row"><button id="tables-first">First</button><button id="tables-next">Next</button></div>
            <h3>Create a table</h3>
            <form id="create-table" class="stack">
              <label>Name <input id="create-table-name" required pattern="[a-zA-Z0-9_.\-]{3,255}"></label>
              <label>Partition key <span class="row"><input id="create-table-pk" required value="id">
                <select id="create-table-pk-type"><option>S</option><option>N</option><option>B</option></select></span></label>
              <label>Sort key (optional) <span class="row"><input id="create-table-sk">
                <select id="create-table-sk-type"><option>S</option><option>N</option><option>B</option></select></span></label>
              <label>Billing <select id="create-table-billing"><option value="PAY_PER_REQUEST">on demand</option><option value="PROVISIONED">provisioned</option></select></label>
              <span class="row" id="create-table-units">RCU <input id="create-table-rcu" type="number" min="1" value="5"> WCU <input id="create-table-wcu" type="number" min="1" value="5"></span>
              <button id="create-table-submit" class="primary" type="submit">Create table</button>
            </form>
          </aside>
          <section>
            <div id="status"></div>
            <div id="no-table" class="muted">Choose a table on the left, or create one.</div>
            <div id="table-view" class="hidden">
              <h2 id="table-title"></h2>
              <dl id="table-facts" class="facts"></dl>
              <div class="tabs">
                <button data-tab="items" class="active">Items</button>
                <button data-tab="ttl">Time to live</button>
                <button data-tab="capacity">Capacity</button>
              </div>
              <div id="tab-items">
                <div class="row">
                  <span id="query-pk-label"></span> <input id="query-pk" placeholder="partition key value">
                  <span id="query-sk-box"><span id="query-sk-label"></span> <select id="query-sk-op"><option value="=">=</option><option value="begins_with">begins with</option><option value=">=">≥</option><option value="<=">≤</option></select>
                    <input id="query-sk" placeholder="sort key value (optional)"></span>
                  <button id="query-run">Query</button><button id="scan-run">Browse all</button>
                </div>
                <table id="items" class="grid"></table>
                <div class="row"><button id="items-prev">Previous page</button><button id="items-next">Next page</button><span id="items-page" class="muted"></span>
                  <button id="new-item" class="primary" style="margin-left:auto">New item</button></div>
                <div id="item-box" class="hidden">
                  <div class="row"><strong id="item-title"></strong>
                    <label><input type="radio" name="item-format" value="dynamo" checked> DynamoDB JSON</label>
                    <label><input type="radio" name="item-format" value="plain"> plain JSON</label></div>
                  <textarea id="item-editor" spellcheck="false"></textarea>
                  <div class="row"><button id="item-save" class="primary">Save item</button><button id="item-delete" class="danger">Delete item</button><button id="item-close">Close</button></div>
                </div>
              </div>
              <div id="tab-ttl" class="hidden">
                <div class="row" id="ttl-setting"></div>
                <h3>Expiring next</h3>
                <table id="ttl-upcoming" class="grid"></table>
                <h3>Deleted by TTL</h3>
                <table id="ttl-deleted" class="grid"></table>
              </div>
              <div id="tab-capacity" class="hidden">
                <p class="muted" id="capacity-note"></p>
                <h3>Reads per second</h3><canvas id="graph-read" width="900" height="140"></canvas>
                <h3>Writes per second</h3><canvas id="graph-write" width="900" height="140"></canvas>
                <div class="legend"><span style="background:#0b6bcb"></span>consumed <span style="background:#98a2b3"></span>provisioned
                  <span style="background:#12b76a"></span>burst bucket <span style="background:#c4320a"></span>throttled requests</div>
              </div>
            </div>
            <div class="panels">
              <div>
                <h2>Zones <small id="zones-term" class="muted"></small></h2>
                <table id="zones" class="grid"></table>
              </div>
              <div>
                <h2>What it would cost on DynamoDB</h2>
                <div class="row">region <input id="cost-region" size="14"> <button id="cost-reset">Reset</button></div>
                <div id="cost-panel"></div>
              </div>
            </div>
          </section>
        </main>
        <script src="/_trident/console/console.js" defer></script>
        </body>
        </html>
        """##
}
