// 一窗受理: the intake page edits the applicant in its first form and posts it with the second;
// the notice page prints itself on request. (A file, not inline: the CSP allows scripts from 'self' only.)
(function () {
  const intake = document.getElementById('intake-form');
  if (intake) {
    intake.addEventListener('submit', function () {
      for (const input of intake.querySelectorAll('input[data-copy]')) {
        const source = document.getElementById(input.dataset.copy);
        if (source) { input.value = source.value; }
      }
    });
  }
  const print = document.getElementById('print-notice');
  if (print) { print.addEventListener('click', function () { window.print(); }); }
})();
