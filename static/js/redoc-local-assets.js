/* Redoc's sidebar credit loads its logo from cdn.redoc.ly, which this site's CSP (every asset from this app)
   blocks with a console error. The address is swapped for an empty data: URL, so the logo fails quietly and
   Redoc drops it, as it does when the CDN cannot be reached; the credit's text stays. Load before Redoc. */
(() => {
  "use strict";
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, String(value).startsWith("https://cdn.redoc.ly/") ? "data:," : value);
    },
  });
})();
