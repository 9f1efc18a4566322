// Copies the front-end packages installed from npm (see package-lock.json) into static/vendor,
// where Django's staticfiles and whitenoise serve them. Nothing is ever loaded from a CDN.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  // accessibility checks of the browser tests (core/tests/a11y.py); not used by the pages
  "axe-core/axe.min.js": "axe-core/axe.min.js",
};
const out = "static/vendor";
rmSync(out, { recursive: true, force: true });
for (const [src, dest] of Object.entries(files)) {
  const target = join(out, dest);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", src), target);
}
console.log(`copied ${Object.keys(files).length} vendor files into ${out}`);
