import { mkdirSync, rmSync } from "node:fs";
import { AXE_LOG, SHOTS_DIR } from "./fixtures";

/** Each run starts with no screenshots and no axe-core log from an earlier one. */
export default function globalSetup(): void {
  rmSync(SHOTS_DIR, { recursive: true, force: true });
  rmSync(AXE_LOG, { force: true });
  mkdirSync(SHOTS_DIR, { recursive: true });
}
