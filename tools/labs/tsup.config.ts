import { packageConfig } from "../../tsup.shared.js";

// The protocol fixtures are re-exported from probes-network's source and bundled in here.
export default packageConfig(import.meta.url);
