// Accessibility repairs of Dash 4's own components and of wide tables, re-applied whenever the page changes
// (Dash renders pages after load and re-renders parts on every callback). Checked by axe-core in
// tests/dashboard/test_budgets_browser.py.
(function () {
  // dcc.Checklist renders role="listbox" with role="option" labels that hold real checkboxes: an interactive
  // control inside another (axe: nested-interactive). The checkboxes are the controls: the list becomes a group
  // named after its fieldset's legend, the labels plain labels.
  // The same holds for dcc.RadioItems (real radio buttons inside role="option" labels).
  function repairChecklists(root) {
    // Only these two: a dropdown's open menu is a real listbox and stays one.
    root.querySelectorAll('.dash-checklist[role="listbox"], .dash-radioitems[role="listbox"]').forEach(function (list) {
      list.setAttribute('role', list.classList.contains('dash-radioitems') ? 'radiogroup' : 'group');
      var fieldset = list.closest('fieldset');
      var legend = fieldset && fieldset.querySelector('legend');
      if (legend && !list.hasAttribute('aria-label')) list.setAttribute('aria-label', legend.textContent.trim());
    });
    root.querySelectorAll(
      '.dash-checklist .dash-options-list-option[role="option"], .dash-checklist .dash-options-list-option[aria-selected], ' +
      '.dash-radioitems .dash-options-list-option[role="option"], .dash-radioitems .dash-options-list-option[aria-selected]'
    ).forEach(function (option) {
        option.removeAttribute('role');
        option.removeAttribute('aria-selected');  // React sets it again on each change; removed again here
      });
  }

  // dcc.Slider's thumb (role="slider") has no name of its own (axe: aria-input-field-name): it takes the text
  // of the <label for=...> of the slider's id.
  function repairSliders(root) {
    root.querySelectorAll('[role="slider"]:not([aria-label]):not([aria-labelledby])').forEach(function (thumb) {
      for (var node = thumb.parentElement; node && node !== document.body; node = node.parentElement) {
        if (!node.id) continue;
        var label = document.querySelector('label[for="' + node.id + '"]');
        if (label) thumb.setAttribute('aria-label', label.textContent.trim());
        return;
      }
    });
  }

  // dcc.Dropdown puts the Tab stop on a hidden, aria-hidden input that passes focus on to the real button
  // (axe: aria-hidden-focus). The button itself becomes the Tab stop; the input leaves the order. Dash's
  // blur handler puts the input back to tabindex 0, so this runs on attribute changes too.
  function repairDropdowns(root) {
    root.querySelectorAll('.dash-dropdown-focus-target').forEach(function (input) {
      if (input.getAttribute('tabindex') !== '-1') input.setAttribute('tabindex', '-1');
      var button = input.nextElementSibling;
      if (button && button.matches('button.dash-dropdown') && !button.disabled && button.getAttribute('tabindex') !== '0') {
        button.setAttribute('tabindex', '0');
      }
    });
  }

  // A table wider than the screen scrolls inside itself (caei.css); keyboard users reach it to scroll it
  // (axe: scrollable-region-focusable). A scrolling wrapper is a region named after the section's heading.
  function headingBefore(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling.textContent.trim();
      }
    }
    return '';
  }

  function repairScrollers(root) {
    root.querySelectorAll('.table-scroll, .data-table').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && box.getAttribute('tabindex') !== '0') {
        box.setAttribute('tabindex', '0');
        box.setAttribute('data-scrolls', '');
        if (box.tagName !== 'TABLE' && !box.hasAttribute('aria-label')) {
          var caption = box.querySelector('caption');
          var name = caption ? caption.textContent.trim() : headingBefore(box);
          if (name) {
            box.setAttribute('role', 'region');
            box.setAttribute('aria-label', name);
          }
        }
      } else if (!scrolls && box.hasAttribute('data-scrolls')) {
        box.removeAttribute('tabindex');
        box.removeAttribute('data-scrolls');
      }
    });
  }

  var scheduled = false;
  function repairSoon() {
    repairDropdowns(document);
    repairChecklists(document);
    repairSliders(document);
    if (scheduled) return;
    scheduled = true;
    // widths are known once laid out
    requestAnimationFrame(function () {
      scheduled = false;
      repairScrollers(document);
    });
  }

  new MutationObserver(repairSoon).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['tabindex', 'aria-selected', 'role'],
  });
  window.addEventListener('resize', repairSoon);
})();
