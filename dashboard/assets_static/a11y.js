// dcc.Checklist takes no aria-* props: name each checklist (role listbox) after its fieldset's legend,
// so screen readers announce "Places" rather than an unnamed list.
new MutationObserver(function () {
  document.querySelectorAll('fieldset [role="listbox"]:not([aria-label])').forEach(function (list) {
    var legend = list.closest('fieldset').querySelector('legend');
    if (legend) list.setAttribute('aria-label', legend.textContent.trim());
  });
}).observe(document.documentElement, {childList: true, subtree: true});
