// The status bar (the engine, the page on screen), the error banner, the tile progress bar,
// and the attributes the end-to-end tests wait on (body[data-engine], body[data-pending]).
import { describedPage, pageAt, indexOf, namedIndices, pages, upscaleOf, type AppState, type PageProgress } from "../app/state";
import type { Store } from "../app/store";
import { describeProgress, pageLabel, shownScale, statusLine } from "../state/status";
import { ID } from "../ui/ids.js";
import { byId } from "../ui/dom";
import { t } from "../i18n/i18n";
import { skipReason } from "../i18n/errors";
import { ruleLabelOf, type ModelRule } from "../state/rules";

/** The rule the engine named, as the reader reads it (a default rule's name in the language). */
const ruleNamed = (name: string | null | undefined, rules: readonly ModelRule[]) => (name ? ruleLabelOf(name, rules) : name);
import { onPreviewChange, previewShown } from "../viewer/preview/layer";

export function bindStatus(store: Store<AppState>, now: () => number = () => performance.now()): void {
  const engine = byId(ID.statusEngine);
  const status = byId(ID.statusText);
  const banner = byId(ID.errorBanner);
  const bar = byId(ID.progress);
  const secondsLeft = (progress: PageProgress): number | null => {
    // The pace of the tiles computed since this visit began; tiles kept from before took no time.
    const computed = progress.done - (progress.doneSince ?? 0);
    if (computed <= 0) return null;
    return ((now() - progress.since) / 1000 / computed) * (progress.total - progress.done);
  };

  store.watch(
    (s) => [s.engine.phase, s.settings.language] as const,
    ([phase]) => {
      const { report, error } = store.state.engine;
      if (phase === "starting") return;
      const text = phase === "ready" ? t("status.ready", { device: report?.cpuMode ? t("status.cpuMode") : report?.deviceName }) : t("status.unavailable", { error });
      engine.textContent = text;
      engine.title = text;
      engine.classList.toggle("bad", phase !== "ready");
      document.body.dataset.engine = phase;
    },
  );

  const renderProgress = (state: AppState) => {
    const computing = state.reading.onScreen.map((id) => upscaleOf(state, id).progress).find((p) => p?.phase === "computing");
    const progress = state.upscale.on ? computing : undefined;
    const tiled = !!progress && progress.total > 1;
    bar.hidden = !tiled;
    if (!progress || !tiled) return;
    bar.dataset.done = String(progress.done);
    bar.dataset.total = String(progress.total);
    byId(ID.progressFill).style.width = `${(100 * progress.done) / progress.total}%`;
    const label = describeProgress({ ...progress, secondsLeft: secondsLeft(progress) });
    byId(ID.progressLabel).textContent = label.charAt(0).toUpperCase() + label.slice(1);
  };

  const render = (state: AppState) => {
    document.body.dataset.pending = String(state.upscale.pending);
    renderProgress(state);
    const id = describedPage(state);
    const image = id !== undefined ? pageAt(state, indexOf(state, id)) : undefined;
    const alert = state.view.alert;
    if (!image) {
      status.textContent = "";
      banner.hidden = !alert;
      banner.textContent = alert ?? "";
      return;
    }
    const page = upscaleOf(state, id);
    const result = page.result;
    const problem = state.reading.problems.get(id!);
    const model = result?.model ?? state.settings.model;
    const listing = state.engine.listing?.models ?? [];
    const line = statusLine({
      name: pageLabel(state.reading.location!, image.name, namedIndices(state), pages(state).length),
      fileName: image.name,
      upscaling: state.upscale.on,
      model,
      scale: shownScale(state.settings, model, listing, result ?? undefined),
      rule: ruleNamed(result?.rule ?? page.progress?.rule, state.settings.modelRules),
      showingOriginal: state.view.showingOriginal && !state.view.comparing,
      originalSize: state.reading.sizes.get(id!),
      problem,
      failure: page.failure,
      skipped: page.skipped && skipReason(page.skipped, (name) => ruleLabelOf(name, state.settings.modelRules)),
      progress: page.progress ? { ...page.progress, secondsLeft: secondsLeft(page.progress) } : undefined,
      result: result && {
        computedNow: !!page.computedOnScreen,
        preloaded: !!page.preloaded,
        sourceWidth: result.sourceWidth,
        sourceHeight: result.sourceHeight,
        width: result.width,
        height: result.height,
        format: result.format,
        bytes: result.bytes,
        computeMs: result.timings.computeMs ?? 0,
      },
      waitingForEngine: !state.engine.report,
      preview: previewShown(image.url),
    });
    const text = state.view.notice ?? line.text;
    status.textContent = text;
    status.title = text;
    status.classList.toggle("bad", line.bad);
    if (line.source) status.dataset.source = line.source;
    else delete status.dataset.source;
    // The page's own trouble first, then a message from what the reader just did.
    const bad = problem || page.failure ? line.text : alert;
    banner.hidden = !bad;
    banner.textContent = bad ?? "";
  };
  render(store.state);
  store.subscribe(render);
  onPreviewChange(() => render(store.state));
}
