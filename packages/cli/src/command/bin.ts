/**
 * The `hardcheck` executable as installed: the command and the packages it serves, bundled into a
 * few chunks so a run reads and compiles a handful of files instead of several hundred. `share.js`
 * must be evaluated before `bin.js` starts the command.
 */
import "./share.js";
import "../bin.js";
