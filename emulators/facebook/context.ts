import type { EmulatorState } from "./state.js";
import type { EmulatorConfig } from "./types.js";

/** Everything a handler needs. */
export interface EmulatorContext {
  config: EmulatorConfig;
  state: EmulatorState;
}
