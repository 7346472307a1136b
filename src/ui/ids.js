// The DOM ids shared by index.html, the TypeScript and the end-to-end tests: one plain ES
// module, so Vite and Node 20 both import it; TypeScript reads it (allowJs) with each id as
// its literal string, so a misspelt name fails the typecheck.
// `ids.test.ts` checks that index.html holds exactly the `PAGE_IDS` and that the e2e tests
// name no id by string.

/** Elements written in index.html. */
export const PAGE_IDS = Object.freeze(/** @type {const} */ ({
  toolbar: "toolbar",
  openFile: "open-file",
  openFolder: "open-folder",
  openBooks: "open-books",
  saveUpscaled: "save-upscaled",
  openExport: "open-export",
  prev: "prev",
  pageCounter: "page-counter",
  next: "next",
  toggleBookmark: "toggle-bookmark",
  toggleUpscale: "toggle-upscale",
  toggleOriginal: "toggle-original",
  toggleCompare: "toggle-compare",
  toggleSpread: "toggle-spread",
  toggleDirection: "toggle-direction",
  rotate: "rotate",
  zoomFit: "zoom-fit",
  zoomActual: "zoom-actual",
  zoomOut: "zoom-out",
  zoomLevel: "zoom-level",
  zoomIn: "zoom-in",
  openSettings: "open-settings",
  openGpu: "open-gpu",
  openCache: "open-cache",
  goto: "goto",
  gotoPage: "goto-page",
  gotoPageError: "goto-page-error",
  gotoCount: "goto-count",
  gotoSlider: "goto-slider",
  stage: "stage",
  canvas: "canvas",
  slot1: "slot-1",
  original: "original",
  upscaled: "upscaled",
  slot2: "slot-2",
  original2: "original-2",
  upscaled2: "upscaled-2",
  compareHandle: "compare-handle",
  emptyHint: "empty-hint",
  progress: "progress",
  progressFill: "progress-fill",
  progressLabel: "progress-label",
  bookEnd: "book-end",
  errorBanner: "error-banner",
  bookDamage: "book-damage",
  thumbnails: "thumbnails",
  status: "status",
  statusEngine: "status-engine",
  statusBookmark: "status-bookmark",
  statusText: "status-text",
  exportIndicator: "export-indicator",
  panelSettings: "panel-settings",
  panelGpu: "panel-gpu",
  panelCache: "panel-cache",
  panelBooks: "panel-books",
  panelExport: "panel-export",
}));

/** Elements the panels draw. */
export const PANEL_IDS = Object.freeze(/** @type {const} */ ({
  // Books
  booksHere: "books-here",
  recentBooks: "recent-books",
  recentEmpty: "recent-empty",
  // Books: the open book's bookmarks (bookmarks)
  bookmarksList: "bookmarks-list",
  bookmarksEmpty: "bookmarks-empty",
  // Cache
  cleanupDays: "cleanup-days",
  cacheCapMb: "cache-cap-mb",
  cacheResult: "cache-result",
  confirmYes: "confirm-yes",
  confirmNo: "confirm-no",
  cacheCleanup: "cache-cleanup",
  cacheClear: "cache-clear",
  cacheApplyCap: "cache-apply-cap",
  cacheCapNow: "cache-cap-now",
  cacheLiftCap: "cache-lift-cap",
  cacheEntries: "cache-entries",
  cacheSize: "cache-size",
  cacheOldest: "cache-oldest",
  // Export
  exportLayout: "export-layout",
  exportPattern: "export-pattern",
  exportChoose: "export-choose",
  exportStart: "export-start",
  exportDestination: "export-destination",
  exportStatus: "export-status",
  exportFill: "export-fill",
  exportBar: "export-bar",
  exportProgress: "export-progress",
  exportThumb: "export-thumb",
  exportCurrent: "export-current",
  exportCancel: "export-cancel",
  exportSummary: "export-summary",
  exportError: "export-error",
  // Engine
  gpuError: "gpu-error",
  gpuDevices: "gpu-devices",
  gpuInUse: "gpu-in-use",
  gpuMode: "gpu-mode",
  gpuVersion: "gpu-version",
  gpuFallback: "gpu-fallback",
  customModels: "custom-models",
  engineRequests: "engine-requests",
  engineHits: "engine-hits",
  engineMemory: "engine-memory",
  engineStages: "engine-stages",
  // Settings
  settingAuto: "setting-auto",
  settingLanguage: "setting-language",
  settingModel: "setting-model",
  settingScale: "setting-scale",
  settingTile: "setting-tile",
  settingTta: "setting-tta",
  settingFormat: "setting-format",
  settingPreload: "setting-preload",
  settingMaxMp: "setting-max-mp",
  settingAnimated: "setting-animated",
  settingModelsDir: "setting-models-dir",
  settingModelsDirChoose: "setting-models-dir-choose",
  settingModelsDirDefault: "setting-models-dir-default",
  settingModelsDirNote: "setting-models-dir-note",
  settingSpread: "setting-spread",
  settingShift: "setting-shift",
  settingDirection: "setting-direction",
  settingFit: "setting-fit",
  settingEnlarge: "setting-enlarge",
  settingWheelTurns: "setting-wheel-turns",
  settingBookOwn: "setting-book-own",
  // Settings: the model picker's guidance and the models folder (models)
  settingModelAbout: "setting-model-about",
  settingModelAuto: "setting-model-auto",
  settingKeepUp: "setting-keep-up",
  settingSpeedsNote: "setting-speeds-note",
  settingModelsDirOpen: "setting-models-dir-open",
  settingModelsDirPath: "setting-models-dir-path",
  // Settings: the rules of the model "Automatic (rules)" (rules)
  settingRules: "setting-rules",
  settingRulesAdd: "setting-rules-add",
  settingRulesReset: "setting-rules-reset",
  settingRulesNote: "setting-rules-note",
}));

/** Every id, by name. */
export const ID = Object.freeze({ ...PAGE_IDS, ...PANEL_IDS });

/** The message under a number field that is not valid: `setting-scale-error`. */
/**
 * @template {string} T
 * @param {T} id
 * @returns {`${T}-error`}
 */
export const errorIdOf = (id) => /** @type {`${T}-error`} */ (`${id}-error`);
