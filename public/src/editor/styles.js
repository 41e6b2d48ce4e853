// Atlas des communs — CodeMirror's styles under a strict CSP. CodeMirror
// defines its styles in JavaScript (style-mod) and, in a document, puts
// them in a <style> element, which the atlas's CSP (style-src 'self', no
// 'unsafe-inline') refuses. Constructed stylesheets
// (document.adoptedStyleSheets) are not inline styles: this puts the same
// rules, in the same order, in one of those instead.
import { StyleModule } from "style-mod";

export function styleUnderCSP() {
  if (!window.CSSStyleSheet || !("adoptedStyleSheets" in document) || StyleModule.atlasPatched) {
    return;
  }
  const original = StyleModule.mount;
  const sheet = new CSSStyleSheet();
  const mounted = []; // modules in the order their rules must apply

  StyleModule.mount = function (root, modules, options) {
    if (root !== document) {
      return original.call(StyleModule, root, modules, options);
    }
    const list = Array.isArray(modules) ? modules : [modules];
    // Keep every module after the ones given before it, as the modules'
    // own order decides which rule wins.
    let at = 0;
    let changed = false;
    list.forEach((mod) => {
      const i = mounted.indexOf(mod);
      if (i >= at) {
        at = i + 1;
        return;
      }
      if (i >= 0) {
        mounted.splice(i, 1);
        at--;
      }
      mounted.splice(at++, 0, mod);
      changed = true;
    });
    if (changed) {
      sheet.replaceSync(mounted.map((m) => m.getRules()).join("\n"));
    }
    if (document.adoptedStyleSheets.indexOf(sheet) < 0) {
      document.adoptedStyleSheets = [sheet, ...document.adoptedStyleSheets];
    }
  };
  StyleModule.atlasPatched = true;
}
