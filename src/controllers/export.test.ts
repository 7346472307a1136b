import { describe, expect, it } from "vitest";
import type { BatchSummary, ExportEvent, ExportRequest } from "../bindings";
import { CommandError } from "../api";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { deferred } from "../testing/fakes";
import { ExportController } from "./export";

const request = { source: "/m/Library/Vol 1.cbz", destination: null, layout: "cbz", pattern: "{name}", options: {} } as unknown as ExportRequest;
const event = (done: number): ExportEvent => ({ page: { input: `p${done}.png` }, progress: { done, total: 3, secondsLeft: null } }) as unknown as ExportEvent;

function exporter() {
  const store = new Store<AppState>(INITIAL_STATE);
  const finished = deferred<BatchSummary>();
  let report: (event: ExportEvent) => void = () => {};
  const api = {
    start: (_: ExportRequest, onEvent: (event: ExportEvent) => void) => ((report = onEvent), finished.promise),
    cancel: () => {},
  };
  return { store, finished, report: (e: ExportEvent) => report(e), controller: new ExportController(store, api) };
}

describe("ExportController", () => {
  it("keeps the progress and the result in the state, with the panel closed", async () => {
    const { store, finished, report, controller } = exporter();
    const running = controller.start(request);
    expect(store.state.exporting.phase).toBe("running");
    report(event(2));
    expect(store.state.exporting).toMatchObject({ phase: "running", current: "p2.png", progress: { done: 2, total: 3 } });
    const summary = { total: 3, written: ["/out/Vol 1_x2.cbz"], failures: [], cancelled: false } as unknown as BatchSummary;
    finished.resolve(summary);
    await running;
    expect(store.state.exporting).toMatchObject({ phase: "done", summary, seen: false });
    controller.seen();
    expect(store.state.exporting).toMatchObject({ phase: "done", summary, seen: true });
  });

  it("keeps why an export failed; a second start while one runs is ignored", async () => {
    const { store, finished, controller } = exporter();
    const running = controller.start(request);
    await controller.start(request);
    expect(store.state.exporting.phase).toBe("running");
    finished.reject(new CommandError("io", "the disk is full"));
    await running;
    expect(store.state.exporting).toMatchObject({ phase: "failed", error: "the disk is full" });
  });

  it("counts the result as seen when it ends with the panel open", async () => {
    const { store, finished, controller } = exporter();
    store.update((s) => ({ view: { ...s.view, panel: "export" } }));
    const running = controller.start(request);
    finished.resolve({ total: 0, written: [], failures: [], cancelled: false } as unknown as BatchSummary);
    await running;
    expect(store.state.exporting.seen).toBe(true);
  });
});
