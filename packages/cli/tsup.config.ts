import { packageConfig } from "../../tsup.shared.js";

export default packageConfig(import.meta.url, { entry: ["src/index.ts", "src/bin.ts"] });
