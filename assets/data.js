/* 台账导入 (/data): the drop zone works from the keyboard. Its inner element (role=button,
   tabindex=0, aria-label) is the one tab stop: Enter or Space opens the file dialog. The
   dropzone's own file input is taken out of the tab order and hidden from assistive technology. */
(function () {
  function quietInputs(root) {
    (root || document).querySelectorAll('.data-upload input[type=file]:not([tabindex])').forEach(function (input) {
      input.setAttribute('tabindex', '-1');
      input.setAttribute('aria-hidden', 'true');
    });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    var target = e.target.closest && e.target.closest('.data-upload-target');
    if (!target) return;
    var input = target.closest('.data-upload').querySelector('input[type=file]');
    if (!input) return;
    e.preventDefault();
    input.click();
  });
  new MutationObserver(function () {
    if (document.querySelector('.data-upload')) quietInputs(document);
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
