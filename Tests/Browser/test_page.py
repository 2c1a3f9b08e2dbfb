"""The lab's page in headless Chromium (playwright): drawing gives a prediction, the backprop
steps show the numbers `backprop trace --json` prints, the demon's ΔC matches δ·Δz, a short
training adds points to the curve, a run loads from the runs list, a link reopens its view, and
the console stays free of errors. Screenshots go to docs/images/lab-*.png."""

import os
import shutil
import tempfile
import unittest

from labtest import LAB_URL, MNIST, SCREENSHOTS, call, cli_trace, layer, needs_lab, needs_mnist

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the HTTP tests still run
    sync_playwright = None

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TOLERANCE = 1e-6


@needs_lab
@unittest.skipUnless(sync_playwright, "playwright is not installed (python3 -m pip install playwright)")
class PageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()

    def setUp(self):
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.work = tempfile.mkdtemp()
        self.errors = []
        self.allowed = []       # console messages a test provokes on purpose
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def tearDown(self):
        self.context.close()
        shutil.rmtree(self.work, ignore_errors=True)
        unexpected = [e for e in self.errors if not any(a in e for a in self.allowed)]
        self.assertEqual(unexpected, [], "errors in the browser console")

    # ---- Helpers.

    def open(self, hash_=""):
        self.page.goto(LAB_URL.rstrip("/") + "/" + ("#" + hash_ if hash_ else ""))
        self.page.wait_for_selector("body[data-ready=true]", state="attached")

    def value(self, testid):
        node = self.page.locator(f'[data-testid="{testid}"]').first
        node.wait_for(state="attached")
        return float(node.get_attribute("data-value"))

    def values(self, prefix, count):
        return [self.value(f"{prefix}-{i}") for i in range(count)]

    def go_to_step(self, index):
        self.page.click(f'#bp-steps button[data-step="{index}"]')
        self.page.wait_for_selector(f'#bp-steps button[data-step="{index}"][aria-current="step"]')

    def screenshot(self, name):
        """Only with MNIST: the pictures in docs/ show a trained network, not a random one."""
        if SCREENSHOTS and MNIST:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            self.page.screenshot(path=os.path.join(SCREENSHOTS, name))

    def assertClose(self, shown, expected, what):
        self.assertEqual(len(shown), len(expected), what)
        for i, (x, y) in enumerate(zip(shown, expected)):
            self.assertLessEqual(abs(x - y), TOLERANCE, f"{what}[{i}]: page {x}, trace {y}")

    # ---- Tests.

    def test_drawing_gives_a_prediction(self):
        self.open("tab=draw")
        box = self.page.locator("#draw-canvas").bounding_box()
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        mouse = self.page.mouse
        mouse.move(x + 0.3 * w, y + 0.2 * h)
        mouse.down()
        mouse.move(x + 0.7 * w, y + 0.2 * h, steps=12)   # a 7: the bar, then the stem
        mouse.move(x + 0.45 * w, y + 0.85 * h, steps=16)
        mouse.up()
        self.page.wait_for_function("location.hash.includes('x=')")
        self.page.wait_for_function("document.querySelector('#prediction').dataset.value !== undefined")
        prediction = self.value("prediction")
        self.assertIn(prediction, range(10))
        outputs = self.values("output", 10)
        self.assertEqual(prediction, max(range(10), key=lambda j: outputs[j]))
        self.assertEqual(self.page.locator("#forward-diagram circle.neuron").count() > 10, True)
        self.screenshot("lab-draw.png")

    @needs_mnist
    def test_backprop_steps_match_trace(self):
        trace = cli_trace("test", 7)
        sizes = trace["layerSizes"]
        L = len(sizes)
        self.open("tab=backprop&split=test&index=7")
        self.page.wait_for_selector('#bp-steps button[data-step="0"]')
        self.assertAlmostEqual(self.value("cost"), trace["cost"], delta=TOLERANCE)
        self.assertClose(self.values(f"z-{L}", sizes[-1]), layer(trace, L)["z"], "z at the output")

        self.go_to_step(1)                                        # BP1 at the output
        out = layer(trace, L)
        self.assertClose(self.values(f"delta-{L}", sizes[-1]), out["delta"], "BP1 δ")
        self.assertClose(self.values(f"sigmaprime-{L}", sizes[-1]), out["sigmaPrime"], "σ′(zᴸ)")
        j = int(self.page.get_attribute("#bp-equation", "data-j"))
        self.assertAlmostEqual(self.value("eq-delta"), out["delta"][j], delta=TOLERANCE)

        for step, l in enumerate(range(L - 1, 1, -1), start=2):  # BP2, one layer per step
            self.go_to_step(step)
            self.assertClose(self.values(f"delta-{l}", sizes[l - 1]), layer(trace, l)["delta"], f"BP2 δ of layer {l}")
            self.page.hover(f'#bp-diagram [data-testid="neuron-{l}-5"]')
            self.page.wait_for_selector('[data-testid="hover-delta"]')
            self.assertAlmostEqual(self.value("hover-delta"), layer(trace, l)["delta"][5], delta=TOLERANCE)
            self.assertAlmostEqual(self.value("eq-delta"), layer(trace, l)["delta"][5], delta=TOLERANCE)
            self.assertAlmostEqual(self.value("eq-sigmaprime"), layer(trace, l)["sigmaPrime"][5], delta=TOLERANCE)
            if step == 2:
                self.screenshot("lab-backprop.png")

        self.go_to_step(L)                                        # BP3
        for l in range(2, L + 1):
            self.assertClose(self.values(f"nablab-{l}", sizes[l - 1]), layer(trace, l)["nablaB"], f"BP3 ∂C/∂b of layer {l}")

        self.go_to_step(L + 1)                                    # BP4
        for l in range(3, L + 1):
            table = self.page.locator(f'[data-testid^="nablaw-{l}-"]').first.get_attribute("data-testid")
            j = int(table.split("-")[2])
            self.assertClose(self.values(f"nablaw-{l}-{j}", sizes[l - 2]), layer(trace, l)["nablaW"][j], f"BP4 ∂C/∂w of layer {l}, row {j}")
        self.page.hover('[data-testid="grad-tile-3"]', position={"x": 30, "y": 30})
        self.page.wait_for_selector('[data-testid="hover-nablaw"]')
        k = 28 * int(30 / 56 * 28) + int(30 / 56 * 28)
        self.assertAlmostEqual(self.value("hover-nablaw"), layer(trace, 2)["nablaW"][3][k], delta=TOLERANCE)
        self.assertAlmostEqual(self.value("eq-nablaw"), layer(trace, 2)["nablaW"][3][k], delta=TOLERANCE)
        self.assertIn("step=", self.page.evaluate("location.hash"))

    @needs_mnist
    def test_link_reopens_the_view(self):
        trace = cli_trace("test", 7)
        _, _, example = call("GET", "/api/example?split=test&index=7")
        import base64
        x = base64.urlsafe_b64encode(bytes(round(v * 255) for v in example["input"])).decode().rstrip("=")
        self.open(f"tab=backprop&x={x}&target={example['label']}&step=2&neuron=2,4")
        self.page.wait_for_selector('#bp-steps button[data-step="2"][aria-current="step"]')
        self.page.wait_for_selector('#bp-equation[data-layer="2"][data-j="4"]')
        self.assertClose(self.values("delta-2", trace["layerSizes"][1]), layer(trace, 2)["delta"], "δ² from a drawn-input link")
        self.assertAlmostEqual(self.value("eq-delta"), layer(trace, 2)["delta"][4], delta=TOLERANCE)

    @needs_mnist
    def test_demon_and_nudge(self):
        trace = cli_trace("test", 7)
        self.open("tab=demon&split=test&index=7&neuron=2,5")
        self.page.wait_for_selector('[data-testid="demon-measured"]')
        self.page.fill("#demon-dz-value", "0.001")
        self.page.wait_for_function("document.querySelector('#demon-results').textContent.includes('0.001')")
        measured, predicted = self.value("demon-measured"), self.value("demon-predicted")
        delta = layer(trace, 2)["delta"][5]
        self.assertAlmostEqual(self.value("demon-delta"), delta, delta=TOLERANCE)
        self.assertAlmostEqual(predicted, delta * 0.001, delta=1e-12)
        self.assertLessEqual(abs(measured - predicted), 0.02 * abs(predicted) + 1e-9, "ΔC against δ·Δz")

        self.page.select_option("#nudge-layer", "3")
        self.page.fill("#nudge-j", "9")
        self.page.fill("#nudge-k", "5")
        self.page.dispatch_event("#nudge-k", "change")
        self.page.fill("#nudge-dw-value", "0.0005")
        self.page.wait_for_function("document.querySelector('#nudge-results').textContent.includes('0.0005')")
        gradient = layer(trace, 3)["nablaW"][9][5]
        self.assertAlmostEqual(self.value("nudge-gradient"), gradient, delta=TOLERANCE)
        measured, predicted = self.value("nudge-measured"), self.value("nudge-predicted")
        self.assertLessEqual(abs(measured - predicted), 0.02 * abs(predicted) + 1e-9, "ΔC against ∂C/∂w·Δw")

    @needs_mnist
    def test_training_adds_points_and_runs_load(self):
        self.open("tab=train")
        self.page.wait_for_selector("body[data-live=socket]")       # live over the WebSocket
        form = "#train-form"
        self.page.fill(f'{form} [name="layers"]', "784,16,10")
        self.page.fill(f'{form} [name="epochs"]', "3")
        self.page.fill(f'{form} [name="trainingSize"]', "2000")
        self.page.fill(f'{form} [name="eta"]', "3")
        self.page.select_option(f'{form} [name="evaluateOn"]', "validation")
        self.page.check(f'{form} [name="paused"]')
        self.page.click("#train-start")
        self.page.wait_for_selector('#train-state[data-state="paused"]')
        self.page.click("#train-step-batch")
        self.page.wait_for_function("document.querySelector('#train-progress').value >= 10")
        self.assertEqual(self.page.locator('[data-testid="accuracy-point"]').count(), 0)
        self.page.click("#train-step-epoch")                      # the curve gains its first point
        self.page.wait_for_selector('[data-testid="accuracy-point"]')
        self.page.wait_for_selector('#train-state[data-state="paused"]')
        self.assertEqual(self.page.locator('[data-testid="accuracy-point"]').count(), 1)
        self.page.click("#train-resume")
        self.page.wait_for_selector('#train-state[data-state="finished"]', timeout=120000)
        self.page.wait_for_function("document.querySelectorAll('[data-testid=accuracy-point]').length === 3")
        self.assertGreater(self.page.locator('[data-testid^="first-layer-"]').count(), 0)
        self.assertGreater(self.page.locator('[data-testid^="speed-"]').count(), 0)
        self.screenshot("lab-train.png")
        run = int(self.page.locator("#train-progress-text").inner_text().rsplit("run ", 1)[1])

        self.page.click('nav [data-tab="runs"]')                  # runs: compare two, load the first
        self.page.wait_for_selector(f'[data-testid="run-compare-{run}"]')
        ids = [int(r.get_attribute("data-run")) for r in self.page.locator("#runs-body tr").all()]
        self.assertGreaterEqual(len(ids), 2)
        for i in ids[:2]:
            self.page.check(f'[data-testid="run-compare-{i}"]')
        self.page.wait_for_function("new Set([...document.querySelectorAll('[data-testid=runs-accuracy-point]')].map(c => c.dataset.series)).size === 2")
        other = next(i for i in ids if i != run and self.page.locator(f'[data-testid="run-load-{i}"]').count())
        self.page.click(f'[data-testid="run-load-{other}"]')
        self.page.wait_for_selector(f'#network-info[data-run="{other}"]')
        self.assertIn(f"run={other}", self.page.evaluate("location.hash"))
        _, _, network = call("GET", "/api/network")
        self.assertEqual(network.get("run"), other)

    def test_link_to_a_run_loads_its_network(self):
        """A link naming a run loads that run's network first; its numbers are `trace`'s for the saved model."""
        runs = [r for r in call("GET", "/api/runs")[2] if r["model"]]
        if not runs or not MNIST:
            self.skipTest("needs MNIST and a run with a model")
        run = runs[-1]["id"]
        self.open(f"tab=backprop&run={run}&split=test&index=7&step=1")
        self.page.wait_for_selector(f'#network-info[data-run="{run}"]')
        self.page.wait_for_selector('#bp-steps button[data-step="1"][aria-current="step"]')
        with self.page.expect_download() as download:
            self.page.click('[data-testid="save-model"]')
        path = os.path.join(self.work, "saved.json")
        download.value.save_as(path)
        trace = cli_trace("test", 7, model=path)
        L = len(trace["layerSizes"])
        self.assertClose(self.values(f"delta-{L}", trace["layerSizes"][-1]), layer(trace, L)["delta"], f"BP1 δ of run {run}")

    def test_status_falls_back_to_polling(self):
        # A WebSocket that fails as soon as it is made, as behind a proxy that drops the upgrade.
        self.page.add_init_script("""window.WebSocket = class extends EventTarget {
            constructor() { super(); setTimeout(() => { this.dispatchEvent(new Event("error")); this.dispatchEvent(new Event("close")); }, 10); }
            close() {} };""")
        self.open("tab=train")
        self.page.wait_for_selector("body[data-live=polling]")
        self.page.wait_for_function("document.querySelector('#train-state').dataset.state !== undefined")

    def test_server_errors_are_shown(self):
        self.allowed = ["Failed to load resource"]                 # the 400 below, on purpose
        self.open("tab=train")
        self.page.fill('#train-form [name="layers"]', "5,10")
        self.page.click("#train-start")
        self.page.wait_for_selector("#error:not([hidden])")
        self.assertIn("layers", self.page.inner_text("#error").lower())


if __name__ == "__main__":
    unittest.main()
