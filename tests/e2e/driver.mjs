// Starts tauri-driver (which starts WebKitWebDriver) and opens sessions on the built app.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test as nodeTest } from "node:test";
import { fileURLToPath } from "node:url";
import { Builder } from "selenium-webdriver";
import { ID } from "../../src/ui/ids.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const APP = process.env.SRVIEW_APP ?? join(root, "src-tauri/target/release/srview-app");
export const FIXTURES = join(root, "tests/e2e/fixtures");
export const SCREENSHOTS = join(root, "artifacts/screenshots");
const PORT = 4444;

function portOpen(port) {
  return new Promise((ok) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.end(), ok(true)));
    socket.once("error", () => ok(false));
  });
}

/** Starts tauri-driver with a private home for the app (settings and cache), once it listens. */
export async function startDriver(extraEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), "srview-e2e-"));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    SRVIEW_CACHE_DIR: join(home, "upscaled"),
    // Model speeds are measured only where a test asks (SRVIEW_MEASURE_MODELS: "1"), so the
    // others keep the CPU and their default model.
    SRVIEW_MEASURE_MODELS: "0",
    ...extraEnv,
  };
  // Its own process group: WebKitWebDriver and every app it starts belong to it, so stopping
  // the group leaves no app behind, not even one whose WebDriver session was never closed.
  const driver = spawn("tauri-driver", ["--port", String(PORT)], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const exited = new Promise((_, fail) => driver.once("exit", (code) => fail(new Error(`tauri-driver exited (${code})`))));
  exited.catch(() => {});
  // Bounded wait for the port: test harness only, about 10 s at most.
  for (let attempt = 0; attempt < 100; attempt++) {
    // tauri-driver on PORT, and the WebKitWebDriver it starts on PORT + 1.
    const ready = (await Promise.race([portOpen(PORT), exited])) && (await portOpen(PORT + 1));
    if (ready) return { process: driver, home, stop: () => stopDriver(driver) };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopDriver(driver);
  throw new Error("tauri-driver did not start listening");
}

const groupAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalGroup = (pgid, signal) => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
};

/**
 * Stops tauri-driver, WebKitWebDriver and any app still running from this suite, and waits
 * until they are gone, so the next suite can take the port. An app left running would also
 * hold the test runner's output pipe open, and the runner would never finish.
 */
async function stopDriver(driver) {
  const pgid = driver.pid;
  const running = driver.exitCode === null && driver.signalCode === null;
  const exited = running ? new Promise((ok) => driver.once("exit", ok)) : Promise.resolve();
  signalGroup(pgid, "SIGTERM");
  await exited;
  // Bounded wait for the apps to finish their exit: test harness only, 5 s at most.
  for (let attempt = 0; attempt < 50 && groupAlive(pgid); attempt++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  signalGroup(pgid, "SIGKILL");
}

export async function openApp(args) {
  return new Builder()
    .usingServer(`http://127.0.0.1:${PORT}/`)
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP, args } })
    .build();
}

/**
 * A setting as the app last saved it in `home` (startDriver's), or undefined while it is not
 * saved yet; the store rewrites the file in place, so it can be empty for a moment.
 */
export function savedSetting(home, key) {
  try {
    return JSON.parse(readFileSync(join(home, "config", "dev.srview.app", "settings.json"), "utf8"))[key];
  } catch {
    return undefined;
  }
}

export async function screenshot(driver, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let the page paint what the test just checked. WebKitWebDriver's first screenshot in a
  // session can show an old frame, so the first capture only primes it.
  const settle = () => driver.executeAsyncScript("const done = arguments[0]; setTimeout(done, 150);");
  await settle();
  await driver.takeScreenshot();
  await settle();
  writeFileSync(join(SCREENSHOTS, name), await driver.takeScreenshot(), "base64");
}

const webviewCrashed = (error) => error?.name === "NoSuchSessionError" && /page crash/.test(error.message);

/**
 * node:test's `test`, run once more when WebKit's web process crashed under it: WebKitGTK
 * under Xvfb has been seen to crash once in many screenshots. Any other failure, or a
 * second crash, fails the test.
 */
export function test(name, ...rest) {
  const body = rest.pop();
  return nodeTest(name, ...rest, async (t) => {
    try {
      await body(t);
    } catch (error) {
      if (!webviewCrashed(error)) throw error;
      t.diagnostic(`WebKit's web process crashed (${error.message}); running the test once more`);
      await body(t);
    }
  });
}

/** The toolbar's buttons: how many rows they sit on, the toolbar's height against one
 *  button's, any clipped label or button past the window's edge, and where the stage starts. */
export const toolbarLayout = (driver) =>
  driver.executeScript(
    `const toolbar = document.getElementById(arguments[0]);
     const buttons = [...toolbar.querySelectorAll("button, span")].filter((b) => b.offsetParent !== null);
     const rects = buttons.map((b) => b.getBoundingClientRect());
     return {
       rows: new Set(rects.map((r) => Math.round((r.top + r.bottom) / 2))).size,
       toolbar: Math.round(toolbar.getBoundingClientRect().height),
       button: Math.round(document.getElementById(arguments[1]).getBoundingClientRect().height),
       clipped: buttons.filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => b.id),
       right: Math.round(Math.max(...rects.map((r) => r.right))),
       window: innerWidth,
       stageTop: Math.round(document.getElementById(arguments[2]).getBoundingClientRect().top),
     };`,
    ID.toolbar,
    ID.toggleUpscale,
    ID.stage,
  );
