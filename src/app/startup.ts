// The state the app starts in. With a path on the command line, the desktop side tells the
// page its name before it loads (`window.__SRVIEW_OPENING__`, from src-tauri/src/opening.rs),
// so the first frame already says what is being opened.
import { INITIAL_STATE, type AppState } from "./state";

export function initialState(opening: unknown = (globalThis as { __SRVIEW_OPENING__?: unknown }).__SRVIEW_OPENING__): AppState {
  if (typeof opening !== "string" || opening === "") return INITIAL_STATE;
  return { ...INITIAL_STATE, reading: { ...INITIAL_STATE.reading, opening } };
}
