/// The console's script. Plain JavaScript, no build step: it polls the admin API once a second
/// (tables on the current page, zones, clock; the open table's TTL view; the cost report every five
/// seconds) and reads and writes items through the DynamoDB API, a page of 25 at a time, so nothing
/// it asks costs the server more with a bigger table.
enum ConsoleScript {
    static let source = ##"""
        "use strict";
        const $ = (id) => document.getElementById(id);
        const PAGE_TABLES = 50, PAGE_ITEMS = 25, HISTORY = 300;
        const S = {
          tables: [], tableCount: 0, tablePages: [null], prefix: "", selected: null, tab: "items",
          items: { mode: "scan", starts: [null], page: 0, last: null, query: null },
          editing: null, clock: { mode: "system", now: 0, at: 0 }, history: {}, ttl: null, ticks: 0,
        };

        // ---- talking to the server ----
        async function admin(path, body) {
          const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
          const r = await fetch("/_trident/" + path, init);
          const j = await r.json();
          if (!r.ok) throw new Error(j.message || r.statusText);
          return j;
        }
        async function ddb(operation, body) {
          const r = await fetch("/", { method: "POST", body: JSON.stringify(body),
            headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + operation } });
          const j = await r.json();
          if (!r.ok) throw new Error((j.__type || "").split("#").pop() + ": " + (j.message || j.Message || r.statusText));
          return j;
        }
        function flash(message, isError) {
          const s = $("status");
          s.textContent = message;
          s.className = isError ? "error" : "";
        }
        async function attempt(what, action) {
          try { const result = await action(); return result; }
          catch (e) { flash(what + ": " + e.message, true); }
        }

        // ---- values: DynamoDB JSON and plain JSON ----
        function plain(av) {
          const [type, v] = Object.entries(av)[0];
          switch (type) {
            case "S": case "B": return v;
            case "N": { const n = Number(v); return String(n) === v ? n : v; }
            case "BOOL": return v;
            case "NULL": return null;
            case "SS": case "BS": return v.slice();
            case "NS": return v.map((x) => Number(x));
            case "L": return v.map(plain);
            case "M": return plainItem(v);
          }
          return v;
        }
        function plainItem(item) {
          const out = {};
          for (const k of Object.keys(item)) out[k] = plain(item[k]);
          return out;
        }
        function typed(value) {
          if (value === null) return { NULL: true };
          if (typeof value === "string") return { S: value };
          if (typeof value === "number") return { N: String(value) };
          if (typeof value === "boolean") return { BOOL: value };
          if (Array.isArray(value)) return { L: value.map(typed) };
          return { M: typedItem(value) };
        }
        function typedItem(object) {
          const out = {};
          for (const k of Object.keys(object)) out[k] = typed(object[k]);
          return out;
        }
        function short(av) {
          if (av === undefined) return "";
          const text = JSON.stringify(plain(av));
          return text.length > 60 ? text.slice(0, 57) + "…" : text;
        }
        function keyValue(type, text) {
          return type === "N" ? { N: text } : type === "B" ? { B: text } : { S: text };
        }
        function keyOf(item, table) {
          const key = {};
          key[table.partitionKey.name] = item[table.partitionKey.name];
          if (table.sortKey) key[table.sortKey.name] = item[table.sortKey.name];
          return key;
        }
        function bytes(n) {
          return n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KB" : (n / 1048576).toFixed(1) + " MB";
        }
        function el(tag, attributes, ...children) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attributes || {})) {
            if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) e.setAttribute(k, v);
          }
          for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
          return e;
        }

        // ---- tables ----
        async function refreshTables() {
          const after = S.tablePages[S.tablePages.length - 1];
          const query = "tables?limit=" + PAGE_TABLES + "&prefix=" + encodeURIComponent(S.prefix) + (after ? "&after=" + encodeURIComponent(after) : "");
          const answer = await admin(query);
          S.tables = answer.tables;
          S.tableCount = answer.tableCount;
          const now = performance.now() / 1000;
          for (const t of S.tables) record(t, now);
          renderTables();
          const selected = current();
          if (selected) renderFacts(selected);
          if (S.tab === "capacity") drawCapacity();
        }
        function current() { return S.tables.find((t) => t.name === S.selected) || S.selectedTable; }
        function record(t, now) {
          const h = S.history[t.name] || (S.history[t.name] = []);
          const last = h[h.length - 1];
          const sample = { at: now, reads: t.consumedReadUnits, writes: t.consumedWriteUnits, throttledReads: t.throttledReads,
            throttledWrites: t.throttledWrites, rcu: t.readCapacityUnits, wcu: t.writeCapacityUnits,
            bankRead: t.availableReadUnits, bankWrite: t.availableWriteUnits };
          if (last) {
            const dt = Math.max(0.001, now - last.at);
            sample.readRate = Math.max(0, sample.reads - last.reads) / dt;
            sample.writeRate = Math.max(0, sample.writes - last.writes) / dt;
            sample.readThrottles = Math.max(0, sample.throttledReads - last.throttledReads);
            sample.writeThrottles = Math.max(0, sample.throttledWrites - last.throttledWrites);
          }
          h.push(sample);
          if (h.length > HISTORY) h.shift();
        }
        function renderTables() {
          $("table-count").textContent = "(" + S.tableCount + ")";
          $("summary").textContent = S.tableCount + " tables";
          $("tables-next").disabled = S.tables.length < PAGE_TABLES;
          $("tables-first").disabled = S.tablePages.length === 1;
          const list = $("tables");
          const shape = S.selected + "|" + S.tables.map((t) => t.name + ":" + t.itemCount).join(",");
          if (list.dataset.shape === shape) return;
          list.dataset.shape = shape;
          list.replaceChildren(...S.tables.map((t) => el("li", { "data-table": t.name, class: t.name === S.selected ? "selected" : "",
            onclick: () => select(t.name) }, el("span", {}, t.name), el("small", {}, t.itemCount + " items"))));
        }
        function renderFacts(t) {
          S.selectedTable = t;
          $("table-title").textContent = t.name;
          const facts = [
            ["Key", t.partitionKey.name + " (" + t.partitionKey.type + ", partition)" + (t.sortKey ? " · " + t.sortKey.name + " (" + t.sortKey.type + ", sort)" : "")],
            ["Billing", t.billingMode === "PROVISIONED" ? "provisioned: " + t.readCapacityUnits + " RCU, " + t.writeCapacityUnits + " WCU" : "on demand"],
            ["Items", t.itemCount.toLocaleString() + " · " + bytes(t.sizeBytes)],
            ["Indexes", (t.indexes || []).map((i) => i.name + " (" + i.kind + ", " + i.status + ", " + i.itemCount + " entries)").join("; ") || "none"],
            ["Time to live", t.ttlAttribute ? "on, attribute " + t.ttlAttribute : "off"],
            ["Stream", t.streamViewType || "off"],
          ];
          $("table-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
          $("query-pk-label").textContent = t.partitionKey.name + " =";
          $("query-sk-box").classList.toggle("hidden", !t.sortKey);
          if (t.sortKey) $("query-sk-label").textContent = t.sortKey.name;
        }
        function select(name) {
          S.selected = name;
          S.selectedTable = S.tables.find((t) => t.name === name);
          S.items = { mode: "scan", starts: [null], page: 0, last: null, query: null };
          closeItem();
          $("no-table").classList.add("hidden");
          $("table-view").classList.remove("hidden");
          renderTables();
          renderFacts(S.selectedTable);
          showTab(S.tab);
          loadItems();
        }
        function showTab(tab) {
          S.tab = tab;
          for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === tab);
          for (const name of ["items", "ttl", "capacity"]) $("tab-" + name).classList.toggle("hidden", name !== tab);
          if (tab === "ttl") refreshTTL();
          if (tab === "capacity") drawCapacity();
        }
        async function createTable(event) {
          event.preventDefault();
          const name = $("create-table-name").value.trim();
          const pk = $("create-table-pk").value.trim(), sk = $("create-table-sk").value.trim();
          const request = { TableName: name, AttributeDefinitions: [{ AttributeName: pk, AttributeType: $("create-table-pk-type").value }],
            KeySchema: [{ AttributeName: pk, KeyType: "HASH" }], BillingMode: $("create-table-billing").value };
          if (sk) {
            request.AttributeDefinitions.push({ AttributeName: sk, AttributeType: $("create-table-sk-type").value });
            request.KeySchema.push({ AttributeName: sk, KeyType: "RANGE" });
          }
          if (request.BillingMode === "PROVISIONED") {
            request.ProvisionedThroughput = { ReadCapacityUnits: Number($("create-table-rcu").value), WriteCapacityUnits: Number($("create-table-wcu").value) };
          }
          const done = await attempt("CreateTable", () => ddb("CreateTable", request));
          if (!done) return;
          flash("Created table " + name);
          $("create-table-name").value = "";
          S.prefix = ""; $("table-filter").value = ""; S.tablePages = [null];
          await refreshTables();
          const t = S.tables.find((x) => x.name === name);
          if (t) select(name);
        }

        // ---- items ----
        async function loadItems() {
          const t = S.selectedTable;
          if (!t) return;
          const request = { TableName: t.name, Limit: PAGE_ITEMS };
          const start = S.items.starts[S.items.page];
          if (start) request.ExclusiveStartKey = start;
          let operation = "Scan";
          if (S.items.mode === "query") {
            operation = "Query";
            Object.assign(request, S.items.query);
          }
          const answer = await attempt(operation, () => ddb(operation, request));
          if (!answer) return;
          S.items.last = answer.LastEvaluatedKey || null;
          renderItems(t, answer.Items || []);
        }
        function renderItems(t, items) {
          const keys = [t.partitionKey.name].concat(t.sortKey ? [t.sortKey.name] : []);
          const others = [];
          for (const item of items) for (const name of Object.keys(item)) if (!keys.includes(name) && !others.includes(name) && others.length < 5) others.push(name);
          const columns = keys.concat(others);
          const head = el("tr", {}, ...columns.map((c) => el("th", {}, c)));
          const rows = items.map((item) => el("tr", { class: "clickable", "data-key": JSON.stringify(keyOf(item, t)), onclick: () => openItem(keyOf(item, t)) },
            ...columns.map((c) => el("td", {}, short(item[c])))));
          $("items").replaceChildren(head, ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, "No items"))]));
          $("items-prev").disabled = S.items.page === 0;
          $("items-next").disabled = !S.items.last;
          $("items-page").textContent = (S.items.mode === "query" ? "query" : "all items") + ", page " + (S.items.page + 1);
        }
        function runQuery() {
          const t = S.selectedTable;
          const names = { "#p": t.partitionKey.name }, values = { ":p": keyValue(t.partitionKey.type, $("query-pk").value) };
          let condition = "#p = :p";
          const sortText = $("query-sk").value;
          if (t.sortKey && sortText !== "") {
            names["#s"] = t.sortKey.name;
            values[":s"] = keyValue(t.sortKey.type, sortText);
            const op = $("query-sk-op").value;
            condition += op === "begins_with" ? " AND begins_with(#s, :s)" : " AND #s " + op + " :s";
          }
          S.items = { mode: "query", starts: [null], page: 0, last: null,
            query: { KeyConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
          loadItems();
        }
        function format() { return document.querySelector("input[name=item-format]:checked").value; }
        // Plain JSON has no sets, no binary and no numbers beyond a double's precision: an item with
        // any of them is saved from DynamoDB JSON only, or its types would change.
        function plainLoses(av) {
          const [type, v] = Object.entries(av)[0];
          if (type === "SS" || type === "NS" || type === "BS" || type === "B") return true;
          if (type === "N") return String(Number(v)) !== v;
          if (type === "L") return v.some(plainLoses);
          if (type === "M") return Object.values(v).some(plainLoses);
          return false;
        }
        function show(item) { $("item-editor").value = JSON.stringify(format() === "plain" ? plainItem(item) : item, null, 2); }
        function editedItem() {
          const parsed = JSON.parse($("item-editor").value);
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("an item is a JSON object");
          return format() === "plain" ? typedItem(parsed) : parsed;
        }
        async function openItem(key) {
          const t = S.selectedTable;
          const answer = await attempt("GetItem", () => ddb("GetItem", { TableName: t.name, Key: key, ConsistentRead: true }));
          if (!answer) return;
          if (!answer.Item) return flash("That item is gone (deleted meanwhile, or expired)", true);
          S.editing = { item: answer.Item, isNew: false };
          $("item-title").textContent = "Item " + short(key[t.partitionKey.name]) + (t.sortKey ? " / " + short(key[t.sortKey.name]) : "");
          $("item-delete").disabled = false;
          $("item-box").classList.remove("hidden");
          show(answer.Item);
        }
        function newItem() {
          const t = S.selectedTable;
          const item = {};
          item[t.partitionKey.name] = keyValue(t.partitionKey.type, "");
          if (t.sortKey) item[t.sortKey.name] = keyValue(t.sortKey.type, "");
          S.editing = { item: item, isNew: true };
          $("item-title").textContent = "New item";
          $("item-delete").disabled = true;
          $("item-box").classList.remove("hidden");
          show(item);
        }
        function closeItem() { S.editing = null; $("item-box").classList.add("hidden"); }
        function switchFormat() {
          if (!S.editing) return;
          // Re-show what is being edited in the other notation; keep the edits if they parse.
          const other = format() === "plain" ? "dynamo" : "plain";
          try {
            const parsed = JSON.parse($("item-editor").value);
            S.editing.item = other === "plain" ? typedItem(parsed) : parsed;
          } catch (e) { /* keep the last good item */ }
          show(S.editing.item);
        }
        async function saveItem() {
          const t = S.selectedTable;
          if (format() === "plain" && S.editing && Object.values(S.editing.item).some(plainLoses)) {
            return flash("This item holds sets, binary values or long numbers, which plain JSON cannot keep: save it as DynamoDB JSON", true);
          }
          let item;
          try { item = editedItem(); } catch (e) { return flash("The item is not valid JSON: " + e.message, true); }
          const done = await attempt("PutItem", () => ddb("PutItem", { TableName: t.name, Item: item }));
          if (!done) return;
          S.editing = { item: item, isNew: false };
          $("item-delete").disabled = false;
          flash("Saved item in " + t.name);
          loadItems();
        }
        async function deleteItem() {
          const t = S.selectedTable;
          if (!S.editing || S.editing.isNew) return;
          const key = keyOf(S.editing.item, t);
          const done = await attempt("DeleteItem", () => ddb("DeleteItem", { TableName: t.name, Key: key }));
          if (!done) return;
          flash("Deleted item from " + t.name);
          closeItem();
          loadItems();
        }

        // ---- time to live ----
        function clockNow() {
          return S.clock.mode === "controlled" ? S.clock.now : S.clock.now + (performance.now() / 1000 - S.clock.at);
        }
        function countdown(seconds) {
          if (seconds <= 0) return "expired — deleting";
          const s = Math.ceil(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
          return (h ? h + " h " : "") + (h || m ? m + " m " : "") + (s % 60) + " s";
        }
        function date(epoch) { return new Date(epoch * 1000).toISOString().replace(".000Z", "Z"); }
        async function refreshTTL() {
          const t = S.selectedTable;
          if (!t) return;
          const view = await admin("tables/" + encodeURIComponent(t.name) + "/expiring?limit=20");
          S.ttl = view;
          const setting = $("ttl-setting");
          if (view.attribute) {
            setting.replaceChildren(el("span", {}, "Items expire at the epoch second in "), el("strong", {}, view.attribute),
              el("button", { id: "ttl-disable", class: "danger", onclick: () => setTTL(false, view.attribute) }, "Turn off"));
          } else if (!setting.querySelector("#ttl-attribute-input")) {
            setting.replaceChildren(el("span", {}, "Time to live is off. Attribute:"), el("input", { id: "ttl-attribute-input", value: "expires" }),
              el("button", { id: "ttl-enable", class: "primary", onclick: () => setTTL(true, $("ttl-attribute-input").value.trim()) }, "Turn on"));
          }
          renderTTL();
        }
        function renderTTL() {
          const view = S.ttl, t = S.selectedTable;
          if (!view || !t) return;
          const now = clockNow();
          $("ttl-upcoming").replaceChildren(el("tr", {}, el("th", {}, "key"), el("th", {}, "expires at"), el("th", {}, "in")),
            ...view.upcoming.map((e) => el("tr", { "data-key": JSON.stringify(e.key) }, el("td", {}, JSON.stringify(plainItem(e.key))), el("td", {}, date(e.expiresAt)),
              el("td", { class: "countdown" + (e.expiresAt - now <= 0 ? " expired" : "") }, countdown(e.expiresAt - now)))));
          if (!view.upcoming.length) $("ttl-upcoming").append(el("tr", {}, el("td", { colspan: 3, class: "muted" }, view.attribute ? "No item carries an expiry" : "—")));
          $("ttl-deleted").replaceChildren(el("tr", {}, el("th", {}, "key"), el("th", {}, "expired at"), el("th", {}, "deleted at")),
            ...view.deleted.slice().reverse().map((e) => el("tr", { "data-key": JSON.stringify(e.key) }, el("td", {}, JSON.stringify(plainItem(e.key))),
              el("td", {}, date(e.expiresAt)), el("td", {}, date(e.deletedAt)))));
        }
        async function setTTL(enabled, attribute) {
          const t = S.selectedTable;
          const done = await attempt("UpdateTimeToLive", () => ddb("UpdateTimeToLive",
            { TableName: t.name, TimeToLiveSpecification: { Enabled: enabled, AttributeName: attribute } }));
          if (!done) return;
          flash("Time to live " + (enabled ? "on" : "off") + " for " + t.name);
          $("ttl-setting").replaceChildren();
          await refreshTables();
          refreshTTL();
        }

        // ---- capacity ----
        function drawCapacity() {
          const t = S.selectedTable;
          if (!t) return;
          const h = S.history[t.name] || [];
          $("capacity-note").textContent = t.billingMode === "PROVISIONED"
            ? "Consumed against provisioned units, the burst bucket (up to 300 seconds of unused units) and throttled requests, sampled every second."
            : "An on-demand table: consumed units, sampled every second; nothing is provisioned, nothing throttles.";
          graph($("graph-read"), h, "readRate", "rcu", "bankRead", "readThrottles");
          graph($("graph-write"), h, "writeRate", "wcu", "bankWrite", "writeThrottles");
        }
        function graph(canvas, h, rate, provisioned, bank, throttles) {
          const c = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pad = 24;
          c.clearRect(0, 0, W, H);
          const samples = h.filter((s) => s[rate] !== undefined);
          const top = Math.max(1, ...samples.map((s) => Math.max(s[rate], s[provisioned] || 0))) * 1.15;
          const x = (i) => pad + (W - 2 * pad) * (i / (HISTORY - 1)) + (HISTORY - samples.length) * (W - 2 * pad) / (HISTORY - 1);
          const y = (v) => H - pad / 2 - (H - pad) * (v / top);
          c.fillStyle = "#667085"; c.font = "11px sans-serif";
          c.fillText(top.toFixed(top < 10 ? 1 : 0), 2, 12); c.fillText("0", 2, H - 6);
          const line = (values, color, scale) => {
            c.strokeStyle = color; c.lineWidth = 2; c.beginPath();
            values.forEach((v, i) => { const py = scale ? H - pad / 2 - (H - pad) * v : y(v); i ? c.lineTo(x(i), py) : c.moveTo(x(i), py); });
            c.stroke();
          };
          if (samples.length && samples[samples.length - 1][provisioned] > 0) {
            line(samples.map((s) => s[provisioned]), "#98a2b3");
            // The bucket holds up to 300 seconds of the provisioned rate: drawn as a share of that.
            line(samples.map((s) => Math.min(1, (s[bank] || 0) / (300 * s[provisioned]))), "#12b76a", true);
          }
          c.fillStyle = "#c4320a";
          samples.forEach((s, i) => { if (s[throttles] > 0) c.fillRect(x(i) - 2, H - pad / 2 - Math.min(H - pad, 6 + 2 * s[throttles]), 4, Math.min(H - pad, 6 + 2 * s[throttles])); });
          line(samples.map((s) => s[rate]), "#0b6bcb");
          const last = samples[samples.length - 1];
          if (last) {
            c.fillStyle = "#1d2330";
            c.fillText(last[rate].toFixed(1) + "/s" + (last[bank] !== undefined && last[bank] !== null ? " · bucket " + Math.round(last[bank]) : "") +
              " · throttled " + (h[h.length - 1][throttles === "readThrottles" ? "throttledReads" : "throttledWrites"]), W - 260, 12);
          }
        }

        // ---- zones and clock ----
        async function refreshZones() {
          const z = await admin("zones");
          $("zones-term").textContent = "leader " + (z.leader || "none") + ", term " + z.term;
          const shape = z.zones.map((zone) => zone.name).join(",");
          // Rows are built once and then updated in place, so a button or the lag field being used
          // is never replaced under the pointer.
          if ($("zones").dataset.shape !== shape) {
            $("zones").dataset.shape = shape;
            const head = el("tr", {}, ...["zone", "state", "role", "applied", "lag", ""].map((h) => el("th", {}, h)));
            $("zones").replaceChildren(head, ...z.zones.map((zone) => el("tr", { "data-zone": zone.name },
              el("td", {}, zone.name), el("td", { class: "zone-state" }), el("td", { class: "zone-role" }), el("td", { class: "zone-applied" }),
              el("td", { class: "zone-lag" }),
              el("td", { class: "zone-actions" }, ...["stop", "start", "isolate", "heal"].map((action) =>
                el("button", { "data-zone": zone.name, "data-action": action, onclick: () => controlZone(zone.name, action) }, action)),
                el("input", { type: "number", min: 0, value: zone.lagMs, "data-lag": zone.name }),
                el("button", { "data-zone": zone.name, "data-action": "lag", onclick: () => controlZone(zone.name, "lag") }, "set lag")))));
          }
          for (const zone of z.zones) {
            const row = document.querySelector("#zones tr[data-zone='" + zone.name + "']");
            const state = row.querySelector(".zone-state");
            state.textContent = zone.state;
            state.className = "zone-state " + (zone.state === "up" ? "state-up" : "state-down");
            row.querySelector(".zone-role").textContent = zone.role;
            row.querySelector(".zone-applied").textContent = zone.appliedSequence;
            row.querySelector(".zone-lag").textContent = zone.lagMs + " ms";
          }
        }
        async function controlZone(zone, action) {
          const body = action === "lag" ? { ms: Number(document.querySelector("input[data-lag='" + zone + "']").value) } : {};
          const done = await attempt("zone " + action, () => admin("zones/" + zone + "/" + action, body));
          if (done) flash("Zone " + zone + ": " + action);
          refreshZones();
        }
        async function refreshClock() {
          const clock = await admin("clock");
          S.clock = { mode: clock.mode, now: clock.epochSeconds, at: performance.now() / 1000 };
          $("clock-now").textContent = date(Math.floor(clock.epochSeconds));
          $("clock-mode").textContent = clock.mode;
          $("clock-advance").disabled = clock.mode !== "controlled";
          $("clock-advance").title = clock.mode === "controlled" ? "" : "start trident with --clock controlled to move time";
        }
        async function advanceClock() {
          const seconds = Number($("clock-advance-seconds").value);
          const done = await attempt("clock", () => admin("clock", { advanceSeconds: seconds }));
          if (!done) return;
          flash("Clock advanced " + seconds + " s");
          await refreshClock();
          if (S.tab === "ttl") await refreshTTL();
          if (S.tab === "items") loadItems();
        }

        // ---- cost ----
        async function refreshCost() {
          const region = $("cost-region").value.trim();
          const report = await admin("cost?top=10" + (region ? "&region=" + encodeURIComponent(region) : ""));
          if (!region) $("cost-region").placeholder = report.region;
          // Small workloads cost fractions of a cent: two significant digits down to a millionth.
          const money = (v) => v === 0 || v >= 0.01 ? "$" + v.toFixed(2) : v < 1e-6 ? "< $0.000001" : "$" + v.toPrecision(2);
          const total = report.total;
          const rows = report.tables.map((t) => el("tr", {}, el("td", {}, t.table), el("td", {}, money(t.onDemandUSD)),
            el("td", {}, t.provisioned ? money(t.provisioned.USDPerMonth) + "/mo" : "—"),
            el("td", {}, t.cheapestProvisioned ? t.cheapestProvisioned.readCapacityUnits + " R / " + t.cheapestProvisioned.writeCapacityUnits + " W" : "—"),
            el("td", {}, money(t.storageUSDPerMonth || 0) + "/mo")));
          $("cost-panel").replaceChildren(
            el("p", {}, "Since ", date(Math.floor(report.from)), " in ", report.region, " (prices of ", report.pricesAsOf, "): on demand ",
              el("strong", { id: "cost-total" }, money(total.onDemandUSD)), ", or ", money(total.onDemandUSDPerMonthAtThisRate), " a month at this rate; storage ",
              money(total.storageUSDPerMonth), "/mo.", report.tables.length === 10 ? " The ten tables costing most:" : ""),
            el("table", { class: "grid" }, el("tr", {}, ...["table", "on demand", "provisioned", "cheapest provisioned", "storage"].map((h) => el("th", {}, h))), ...rows));
        }

        // ---- the loop ----
        async function tick() {
          S.ticks += 1;
          try {
            await Promise.all([refreshTables(), refreshZones(), refreshClock()]);
            if (S.tab === "ttl" && S.selectedTable) await refreshTTL();
            if (S.ticks % 5 === 1) await refreshCost();
          } catch (e) { flash("Lost the server: " + e.message, true); }
        }
        function wire() {
          $("create-table").addEventListener("submit", createTable);
          $("create-table-billing").addEventListener("change", () => $("create-table-units").classList.toggle("hidden", $("create-table-billing").value !== "PROVISIONED"));
          $("create-table-units").classList.add("hidden");
          $("table-filter").addEventListener("input", () => { S.prefix = $("table-filter").value; S.tablePages = [null]; refreshTables(); });
          $("tables-next").addEventListener("click", () => { if (S.tables.length) { S.tablePages.push(S.tables[S.tables.length - 1].name); refreshTables(); } });
          $("tables-first").addEventListener("click", () => { S.tablePages = [null]; refreshTables(); });
          for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
          $("query-run").addEventListener("click", runQuery);
          $("scan-run").addEventListener("click", () => { S.items = { mode: "scan", starts: [null], page: 0, last: null, query: null }; loadItems(); });
          $("items-next").addEventListener("click", () => { S.items.starts[S.items.page + 1] = S.items.last; S.items.page += 1; loadItems(); });
          $("items-prev").addEventListener("click", () => { S.items.page = Math.max(0, S.items.page - 1); loadItems(); });
          $("new-item").addEventListener("click", newItem);
          $("item-save").addEventListener("click", saveItem);
          $("item-delete").addEventListener("click", deleteItem);
          $("item-close").addEventListener("click", closeItem);
          for (const r of document.querySelectorAll("input[name=item-format]")) r.addEventListener("change", switchFormat);
          $("clock-advance").addEventListener("click", advanceClock);
          $("cost-region").addEventListener("change", refreshCost);
          $("cost-reset").addEventListener("click", async () => { await attempt("cost reset", () => admin("cost/reset", {})); refreshCost(); });
          setInterval(tick, 1000);
          // Countdowns move between polls when the clock follows real time.
          setInterval(() => { if (S.tab === "ttl" && S.clock.mode === "system") renderTTL(); }, 250);
          tick();
        }
        wire();
        """##
}
