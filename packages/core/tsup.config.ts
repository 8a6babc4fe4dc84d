import { packageConfig } from "../../tsup.shared.js";

// Two entries: the engine, and `@hardcheck/core/testing` for probe authors' tests.
export default packageConfig(import.meta.url, { entry: { index: "src/index.ts", testing: "src/testing/index.ts" } });
