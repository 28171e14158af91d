"""The web console as a person uses it: headless Chromium (Debian's chromium and chromium-driver,
installed by `make deps`) driven through Selenium against a running server with a controlled clock.
Screenshots of each step land in `.build/console-screenshots/`."""

import json
import os
import shutil
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

SHOTS = os.path.join(".build", "console-screenshots")


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    assert browser and driver, "make deps installs Debian's chromium and chromium-driver; they are missing"
    return browser, driver


@pytest.fixture
def server(spawn):
    return spawn("--clock", "controlled")


@pytest.fixture
def browser():
    path, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = path
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    os.makedirs(SHOTS, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def admin(server, path, body=None):
    request = urllib.request.Request(server.endpoint + "/_trident/" + path, data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def wait_for(driver, condition, timeout=10):
    # Live panels are redrawn every second: an element found may be replaced before it is read.
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]).until(condition)


def text_of(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def test_console_page_is_served_to_this_host_with_its_script(server):
    with urllib.request.urlopen(server.endpoint + "/_trident/console", timeout=5) as page:
        assert page.headers["Content-Type"].startswith("text/html")
        html = page.read().decode()
    assert "<title>Trident console</title>" in html and "/_trident/console/console.js" in html
    with urllib.request.urlopen(server.endpoint + "/_trident/console/console.js", timeout=5) as script:
        assert script.headers["Content-Type"].startswith("text/javascript")
        assert "function refreshZones" in script.read().decode()


def test_a_table_an_item_a_ttl_countdown_and_a_zone_through_the_ui(server, browser):
    ddb = server.client()
    browser.get(server.endpoint + "/_trident/console")
    wait_for(browser, lambda d: "leader" in text_of(d, "#zones-term"))

    # Create a table through the form.
    browser.find_element(By.ID, "create-table-name").send_keys("carts")
    browser.find_element(By.ID, "create-table-pk").clear()
    browser.find_element(By.ID, "create-table-pk").send_keys("sid")
    browser.find_element(By.ID, "create-table-submit").click()
    wait_for(browser, EC.text_to_be_present_in_element((By.ID, "table-title"), "carts"))
    assert ddb.describe_table(TableName="carts")["Table"]["KeySchema"] == [{"AttributeName": "sid", "KeyType": "HASH"}]
    assert browser.find_elements(By.CSS_SELECTOR, "#tables li[data-table='carts']")
    browser.save_screenshot(os.path.join(SHOTS, "1-table-created.png"))

    # Turn TTL on from the TTL tab.
    browser.find_element(By.CSS_SELECTOR, ".tabs button[data-tab='ttl']").click()
    field = wait_for(browser, EC.element_to_be_clickable((By.ID, "ttl-attribute-input")))
    field.clear()
    field.send_keys("expires")
    browser.find_element(By.ID, "ttl-enable").click()
    wait_for(browser, EC.presence_of_element_located((By.ID, "ttl-disable")))
    ttl = ddb.describe_time_to_live(TableName="carts")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expires"

    # Create an item in plain JSON that expires in 90 seconds of the controlled clock.
    now = int(admin(server, "clock")["epochSeconds"])
    browser.find_element(By.CSS_SELECTOR, ".tabs button[data-tab='items']").click()
    browser.find_element(By.ID, "new-item").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=item-format][value=plain]").click()
    editor = browser.find_element(By.ID, "item-editor")
    editor.clear()
    editor.send_keys(json.dumps({"sid": "s-1", "cart": ["book", "lamp"], "total": 42.5, "expires": now + 90}))
    browser.find_element(By.ID, "item-save").click()
    wait_for(browser, EC.text_to_be_present_in_element((By.ID, "status"), "Saved item"))
    stored = ddb.get_item(TableName="carts", Key={"sid": {"S": "s-1"}}, ConsistentRead=True)["Item"]
    assert stored == {"sid": {"S": "s-1"}, "cart": {"L": [{"S": "book"}, {"S": "lamp"}]}, "total": {"N": "42.5"}, "expires": {"N": str(now + 90)}}
    wait_for(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#items tr[data-key]")))

    # The item opens as DynamoDB JSON; an edit there is saved.
    browser.find_element(By.CSS_SELECTOR, "#items tr[data-key]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=item-format][value=dynamo]").click()
    wait_for(browser, lambda d: '"L"' in d.find_element(By.ID, "item-editor").get_attribute("value"))
    shown = json.loads(browser.find_element(By.ID, "item-editor").get_attribute("value"))
    assert shown == stored
    shown["total"] = {"N": "50"}
    editor = browser.find_element(By.ID, "item-editor")
    editor.clear()
    editor.send_keys(json.dumps(shown))
    browser.find_element(By.ID, "item-save").click()
    wait_for(browser, lambda d: ddb.get_item(TableName="carts", Key={"sid": {"S": "s-1"}}, ConsistentRead=True)["Item"]["total"] == {"N": "50"})
    browser.save_screenshot(os.path.join(SHOTS, "2-item.png"))

    # An item with a set cannot round-trip through plain JSON: the console refuses to save it so.
    ddb.put_item(TableName="carts", Item={"sid": {"S": "s-2"}, "tags": {"SS": ["a", "b"]}})
    browser.find_element(By.ID, "scan-run").click()
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#items tr[data-key]")) == 2)
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#items tr[data-key]") if "s-2" in r.get_attribute("data-key"))
    row.click()
    wait_for(browser, lambda d: '"SS"' in d.find_element(By.ID, "item-editor").get_attribute("value"))
    browser.find_element(By.CSS_SELECTOR, "input[name=item-format][value=plain]").click()
    browser.find_element(By.ID, "item-save").click()
    wait_for(browser, EC.text_to_be_present_in_element((By.ID, "status"), "save it as DynamoDB JSON"))
    assert ddb.get_item(TableName="carts", Key={"sid": {"S": "s-2"}}, ConsistentRead=True)["Item"]["tags"] == {"SS": ["a", "b"]}
    browser.find_element(By.CSS_SELECTOR, "input[name=item-format][value=dynamo]").click()
    browser.find_element(By.ID, "item-delete").click()
    wait_for(browser, lambda d: "Item" not in ddb.get_item(TableName="carts", Key={"sid": {"S": "s-2"}}, ConsistentRead=True))

    # The TTL tab counts down; advancing the clock with the header's button deletes the item.
    browser.find_element(By.CSS_SELECTOR, ".tabs button[data-tab='ttl']").click()
    wait_for(browser, lambda d: text_of(d, "#ttl-upcoming tr[data-key] .countdown") == "1 m 30 s")
    seconds = browser.find_element(By.ID, "clock-advance-seconds")
    seconds.clear()
    seconds.send_keys("60")
    browser.find_element(By.ID, "clock-advance").click()
    wait_for(browser, lambda d: text_of(d, "#ttl-upcoming tr[data-key] .countdown") == "30 s")
    browser.save_screenshot(os.path.join(SHOTS, "3-ttl-countdown.png"))
    browser.find_element(By.ID, "clock-advance").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#ttl-deleted tr[data-key]"))
    deleted = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#ttl-deleted tr[data-key]").get_attribute("data-key"))
    assert json.loads(deleted) == {"sid": {"S": "s-1"}}
    assert wait_for(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#ttl-upcoming tr[data-key]") and "No item" in text_of(d, "#ttl-upcoming"))
    assert "Item" not in ddb.get_item(TableName="carts", Key={"sid": {"S": "s-1"}}, ConsistentRead=True)
    browser.save_screenshot(os.path.join(SHOTS, "4-ttl-deleted.png"))

    # Stop a follower zone with its button, then start it again.
    follower = next(z["name"] for z in admin(server, "zones")["zones"] if z["role"] == "follower")
    browser.find_element(By.CSS_SELECTOR, f"button[data-zone='{follower}'][data-action='stop']").click()
    wait_for(browser, lambda d: text_of(d, f"#zones tr[data-zone='{follower}'] .zone-state") == "down")
    assert next(z for z in admin(server, "zones")["zones"] if z["name"] == follower)["state"] == "down"
    browser.save_screenshot(os.path.join(SHOTS, "5-zone-stopped.png"))
    browser.find_element(By.CSS_SELECTOR, f"button[data-zone='{follower}'][data-action='start']").click()
    wait_for(browser, lambda d: text_of(d, f"#zones tr[data-zone='{follower}'] .zone-state") == "up")


def test_capacity_graph_and_cost_panel_follow_the_workload(server, browser):
    ddb = server.client()
    ddb.create_table(
        TableName="hot", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    browser.get(server.endpoint + "/_trident/console")
    wait_for(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, "#tables li[data-table='hot']"))).click()
    browser.find_element(By.CSS_SELECTOR, ".tabs button[data-tab='capacity']").click()
    # Spend the burst bucket (300 units) and more: throttles must show in the graph's caption.
    throttled = 0
    for i in range(400):
        try:
            ddb.put_item(TableName="hot", Item={"id": {"S": f"k{i}"}})
        except ddb.exceptions.ProvisionedThroughputExceededException:
            throttled += 1
    assert throttled > 0
    wait_for(browser, lambda d: d.execute_script("const h = S.history['hot']; return h[h.length - 1].throttledWrites") == throttled)
    # ... and a sample with a per-second throttle count for the graph's red bars.
    assert browser.execute_script("return S.history['hot'].some((s) => s.writeThrottles > 0)")
    # The cost panel shows the writes' on-demand price (refreshed every five seconds).
    wait_for(browser, lambda d: text_of(d, "#cost-total") != "$0.00", timeout=12)
    browser.save_screenshot(os.path.join(SHOTS, "6-capacity.png"))


def test_many_tables_are_listed_a_page_at_a_time_and_filtered(server, browser):
    ddb = server.client()
    for i in range(120):
        ddb.create_table(
            TableName=f"t{i:04d}", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    browser.get(server.endpoint + "/_trident/console")
    wait_for(browser, lambda d: text_of(d, "#table-count") == "(120)")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#tables li")) == 50
    browser.find_element(By.ID, "tables-next").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#tables li")[0].get_attribute("data-table") == "t0050")
    browser.find_element(By.ID, "table-filter").send_keys("t011")
    wait_for(browser, lambda d: [e.get_attribute("data-table") for e in d.find_elements(By.CSS_SELECTOR, "#tables li")] == [f"t011{i}" for i in range(10)])


def test_the_admin_tables_listing_pages_and_filters(server):
    ddb = server.client()
    for name in ("a1", "a2", "b1"):
        ddb.create_table(
            TableName=name + "xx", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert [t["name"] for t in admin(server, "tables?limit=2")["tables"]] == ["a1xx", "a2xx"]
    assert [t["name"] for t in admin(server, "tables?limit=2&after=a2xx")["tables"]] == ["b1xx"]
    assert [t["name"] for t in admin(server, "tables?prefix=a")["tables"]] == ["a1xx", "a2xx"]
    listing = admin(server, "tables?prefix=b")
    assert listing["tableCount"] == 3
    assert listing["tables"][0]["partitionKey"] == {"name": "id", "type": "S"} and listing["tables"][0]["sizeBytes"] == 0


def test_the_expiring_view_lists_the_next_expiries_and_the_deletions(server):
    ddb = server.client()
    ddb.create_table(
        TableName="sessions", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert "attribute" not in admin(server, "tables/sessions/expiring")
    ddb.update_time_to_live(TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    now = int(admin(server, "clock")["epochSeconds"])
    for i, delta in enumerate([300, 100, 200]):
        ddb.put_item(TableName="sessions", Item={"id": {"S": f"s{i}"}, "ttl": {"N": str(now + delta)}})
    ddb.put_item(TableName="sessions", Item={"id": {"S": "forever"}})
    view = admin(server, "tables/sessions/expiring?limit=2")
    assert view["attribute"] == "ttl"
    assert [(e["key"], e["expiresAt"]) for e in view["upcoming"]] == [({"id": {"S": "s1"}}, now + 100), ({"id": {"S": "s2"}}, now + 200)]
    admin(server, "clock", {"advanceSeconds": 150})
    view = admin(server, "tables/sessions/expiring")
    assert [e["key"]["id"]["S"] for e in view["upcoming"]] == ["s2", "s0"]
    assert [(e["key"], e["expiresAt"]) for e in view["deleted"]] == [({"id": {"S": "s1"}}, now + 100)]
    with pytest.raises(urllib.error.HTTPError) as missing:
        admin(server, "tables/nothing/expiring")
    assert missing.value.code == 404
